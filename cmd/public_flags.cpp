#include "public_flags.hpp"

#include "model/errors.hpp"

namespace incident::cli {

void add_public_flags(CLI::App* cmd, PublicFlags& flags, bool message) {
    cmd->add_option("--public-title", flags.title, "The title the status page shows (the internal one never leaves)")
        ->type_name("TEXT");
    if (message)
        cmd->add_option("--public-message", flags.message, "A public update for the status page")->type_name("TEXT");
    cmd->add_option("--public-status", flags.status,
                    "The status page's status for it (default: from the incident's status)")
        ->type_name("{investigating,identified,monitoring,resolved}");
    cmd->add_option("--component", flags.components,
                    "Set a status page component's state by hand: NAME=STATE (auto: follow the incident); repeat")
        ->type_name("NAME=STATE");
}

PublicChange public_change(const PublicFlags& flags) {
    PublicChange c;
    c.title = flags.title;
    c.message = flags.message;
    c.status = flags.status;
    for (const auto& spec : flags.components) {
        auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
            throw UsageError("--component: '" + spec + "' is not NAME=STATE",
                             "e.g. --component API=partial_outage, or API=auto to follow the incident");
        c.components.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
    }
    if (!c.status.empty() && c.title.empty() && c.message.empty())
        throw UsageError("--public-status goes with a public update",
                         "add --public-message TEXT (or -m TEXT --public)");
    return c;
}

}  // namespace incident::cli
