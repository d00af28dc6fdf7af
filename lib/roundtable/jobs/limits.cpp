#include <algorithm>
#include <roundtable/config/toml.hpp>
#include <roundtable/embedded_data.hpp>
#include <roundtable/jobs/limits.hpp>
#include <string>

namespace roundtable::jobs {

Limits limits_of(std::string_view provider) {
    static const toml::table root = toml::parse(roundtable::embedded::data::k_batch);
    const toml::table* providers = root["providers"].as_table();
    auto read = [](const toml::table& t) {
        Limits l;
        l.max_requests = static_cast<std::size_t>(t["max_requests"].value_or(std::int64_t{1}));
        l.max_bytes = static_cast<std::size_t>(t["max_bytes"].value_or(std::int64_t{1}));
        l.poll = std::chrono::seconds(t["poll_seconds"].value_or(std::int64_t{30}));
        l.window_hours = static_cast<int>(t["window_hours"].value_or(std::int64_t{24}));
        return l;
    };
    if (providers) {
        if (const toml::table* t = (*providers)[provider].as_table()) {
            return read(*t);
        }
        std::optional<Limits> smallest;
        for (const auto& [name, node] : *providers) {
            if (const toml::table* t = node.as_table()) {
                const Limits l = read(*t);
                if (!smallest) {
                    smallest = l;
                } else {
                    smallest->max_requests = std::min(smallest->max_requests, l.max_requests);
                    smallest->max_bytes = std::min(smallest->max_bytes, l.max_bytes);
                }
            }
        }
        if (smallest) {
            return *smallest;
        }
    }
    return Limits{1, 1, std::chrono::seconds(30), 24};
}

} // namespace roundtable::jobs
