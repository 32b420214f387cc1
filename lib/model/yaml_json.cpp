// YAML trees to JSON and back (yaml_doc.hpp): --json output, webhook payloads.
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

nlohmann::ordered_json yaml_to_json(const YamlNode& node) {
    using nlohmann::ordered_json;
    switch (node.kind()) {
        case YamlNode::Kind::undefined:
        case YamlNode::Kind::null:
            return nullptr;
        case YamlNode::Kind::sequence: {
            ordered_json arr = ordered_json::array();
            for (const auto& child : node.items()) arr.push_back(yaml_to_json(child));
            return arr;
        }
        case YamlNode::Kind::mapping: {
            ordered_json obj = ordered_json::object();
            for (const auto& [k, v] : node.entries()) obj[k.scalar()] = yaml_to_json(v);
            return obj;
        }
        case YamlNode::Kind::scalar:
            break;
    }
    const std::string& s = node.scalar();
    // A plain scalar read from a file gets its YAML meaning; a quoted one, or
    // one made in code (written quoted by yaml_string), stays a string.
    if (node.is_plain()) {
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (is_yaml_integer(s)) return std::stoll(s);
        if (is_yaml_real(s)) {
            // Beyond a double's range (a 400-digit number): kept as written.
            errno = 0;
            double d = std::strtod(s.c_str(), nullptr);
            if (errno != ERANGE && std::isfinite(d)) return d;
        }
    }
    return s;
}

JsonType json_type(const YamlNode& n) {
    if (n.is_sequence()) return JsonType::array;
    if (n.is_map()) return JsonType::object;
    if (!n.is_scalar()) return JsonType::null;
    if (!n.is_plain()) return JsonType::string;
    const std::string& s = n.scalar();
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE")
        return JsonType::boolean;
    if (is_yaml_integer(s)) return JsonType::integer;
    if (is_yaml_real(s)) {
        errno = 0;
        double d = std::strtod(s.c_str(), nullptr);
        if (errno != ERANGE && std::isfinite(d)) return JsonType::number;
    }
    return JsonType::string;
}

const char* json_type_name(JsonType t) {
    static constexpr const char* names[] = {"null",     "true or false", "a whole number", "a number",
                                            "a string", "a list",        "a mapping"};
    return names[static_cast<std::size_t>(t)];
}

YamlNode json_to_yaml(const nlohmann::ordered_json& value) {
    if (value.is_null()) return YamlNode::null_value();
    if (value.is_object()) {
        YamlNode map = YamlNode::mapping();
        for (const auto& [k, v] : value.items()) map.set(k, json_to_yaml(v));
        return map;
    }
    if (value.is_array()) {
        YamlNode seq = YamlNode::sequence();
        for (const auto& v : value) seq.push_back(json_to_yaml(v));
        return seq;
    }
    if (value.is_string()) return YamlNode(value.get<std::string>());
    return YamlNode::plain(value.dump());  // a number or a boolean: written plain, read back as one
}

}  // namespace incident
