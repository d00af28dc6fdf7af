#include <roundtable/commands/run.hpp>

#include <roundtable/providers/defaults.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <ostream>

namespace roundtable::commands {

int run_providers(const config::Overrides& overrides, std::ostream& out, std::ostream& err) {
    config::PanelConfig config = config::load(overrides);
    for (const auto& notice : config.notices) {
        err << "roundtable: " << notice << '\n';
    }
    out << fmt::format("{:<10} {:<18} {:<28} {:<44} {}\n", "SEAT", "PROVIDER", "MODEL", "BASE URL", "KEY");
    for (const auto& seat : config.seats) {
        std::string key = "-";
        if (!seat.api_key_env.empty()) {
            const char* value = std::getenv(seat.api_key_env.c_str());
            key = fmt::format("{} {}", seat.api_key_env, value && *value ? "set" : "missing");
        }
        std::string base = seat.base_url;
        if (base.empty()) {
            base = std::string(providers::default_base_url(seat.provider));
        }
        if (base.empty()) {
            base = "-";
        }
        out << fmt::format("{:<10} {:<18} {:<28} {:<44} {}{}\n", seat.name, seat.provider, seat.model,
                           base, key, seat.name == config.chair ? "  (chair)" : "");
    }
    out << fmt::format("quorum {} of {}\n", config.quorum, config.seats.size());
    return 0;
}

} // namespace roundtable::commands
