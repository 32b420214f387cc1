#include "model/errors.hpp"

namespace incident {

std::string Location::str() const {
    std::string s = file.empty() ? "<input>" : file;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    }
    return s;
}

std::string InvalidData::format(const Location& where, const std::string& message) {
    return where.str() + ": " + message;
}

}  // namespace incident
