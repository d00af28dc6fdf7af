#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <roundtable/config/config.hpp>
#include <roundtable/config/toml_data.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/file.hpp>
#include <roundtable/util/text.hpp>
#include <string_view>
#include <system_error>

namespace roundtable::config {

namespace {

using providers::SeatConfig;

constexpr std::size_t k_max_config_bytes = 1024 * 1024;
constexpr std::array<std::string_view, 6> k_providers{
    "anthropic", "openai", "gemini", "xai", "openai-compatible", "offline"};
constexpr std::array<std::string_view, 4> k_online_seats{"claude", "gpt", "gemini", "grok"};
constexpr std::size_t k_min_key_chars = 8; // shorter keys get a warning
constexpr std::array<std::string_view, 4> k_offline_seats{"bull", "bear", "skeptic", "quant"};
constexpr int k_default_quorum = 3;

// A seat as known before the panel is chosen: its config and where it came from.
struct SeatSpec {
    SeatConfig seat;
    bool builtin = false;
    bool model_set = false; // the model was given (file or --model), not a provider default
    bool rpm_set = false;   // rpm / tpm were given in the file, not data defaults
    bool tpm_set = false;
    bool timeout_set = false; // timeout_s was given in the file, not derived from the effort
    bool effort_set = false;  // effort was given in the file
    std::string origin;       // "PATH:LINE" of its [seats.NAME] table, "" for built-ins
};

// What the file says besides seats.
struct FilePanel {
    std::optional<std::vector<std::string>> seats;
    std::optional<std::string> chair;
    std::optional<int> quorum;
    std::string quorum_origin;
    StoreSettings store;
};

std::string default_key_env(std::string_view provider) {
    if (provider == "anthropic")
        return "ANTHROPIC_API_KEY";
    if (provider == "openai")
        return "OPENAI_API_KEY";
    if (provider == "gemini")
        return "GEMINI_API_KEY";
    if (provider == "xai")
        return "XAI_API_KEY";
    return "";
}

std::vector<SeatSpec> builtin_specs() {
    const std::array<std::pair<std::string_view, std::string_view>, 4> online{
        {{"claude", "anthropic"}, {"gpt", "openai"}, {"gemini", "gemini"}, {"grok", "xai"}}};
    std::vector<SeatSpec> specs;
    for (const auto& [name, provider] : online) {
        SeatSpec spec;
        spec.builtin = true;
        spec.seat.name = name;
        spec.seat.provider = provider;
        spec.seat.api_key_env = default_key_env(provider);
        specs.push_back(std::move(spec));
    }
    for (const std::string_view lens : k_offline_seats) {
        SeatSpec spec;
        spec.builtin = true;
        spec.model_set = true;
        spec.seat.name = lens;
        spec.seat.provider = "offline";
        spec.seat.model = lens;
        specs.push_back(std::move(spec));
    }
    return specs;
}

SeatSpec* find_spec(std::vector<SeatSpec>& specs, std::string_view name) {
    const auto found = std::find_if(specs.begin(), specs.end(),
                                    [&](const SeatSpec& s) { return s.seat.name == name; });
    return found == specs.end() ? nullptr : &*found;
}

std::string known_seats(const std::vector<SeatSpec>& specs) {
    std::vector<std::string> names;
    for (const SeatSpec& spec : specs) {
        names.push_back(spec.seat.name);
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

std::string trim(std::string_view text) {
    return std::string(util::trim(text));
}

// Splits "a,b" entries into trimmed names, dropping empty ones.
std::vector<std::string> split_names(const std::vector<std::string>& entries) {
    std::vector<std::string> names;
    for (const std::string& entry : entries) {
        std::size_t start = 0;
        while (start <= entry.size()) {
            const std::size_t comma = std::min(entry.find(',', start), entry.size());
            std::string name = trim(std::string_view(entry).substr(start, comma - start));
            if (!name.empty()) {
                names.push_back(std::move(name));
            }
            start = comma + 1;
        }
    }
    return names;
}

bool is_set(const Env& env, const std::string& name) {
    if (name.empty() || !env.get) {
        return false;
    }
    const std::optional<std::string> value = env.get(name);
    return value.has_value() && !value->empty();
}

std::optional<std::string> env_value(const Env& env, const std::string& name) {
    if (!env.get) {
        return std::nullopt;
    }
    std::optional<std::string> value = env.get(name);
    if (value && value->empty()) {
        return std::nullopt;
    }
    return value;
}

// Parses a positive, finite number of seconds; nullopt if `text` is not one.
std::optional<double> parse_seconds(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) ||
        value <= 0) {
        return std::nullopt;
    }
    return value;
}

// The per-minute limits of one provider kind in [limits.PROVIDER] of data/models.toml.
struct ProviderLimits {
    std::int64_t rpm = 0;
    std::int64_t tpm = 0;
};

constexpr std::int64_t k_max_limit = 1'000'000'000;

// Reads [limits.PROVIDER] rpm / tpm from `root` (data/models.toml); throws
// Error(Exit::config, "SOURCE:LINE: ...") for an unknown provider or key or a bad value.
std::map<std::string, ProviderLimits, std::less<>> read_limits(const toml::table& root,
                                                               const std::string& source) {
    std::map<std::string, ProviderLimits, std::less<>> limits;
    const toml::node* node = root.get("limits");
    if (node == nullptr) {
        return limits;
    }
    const auto fail = [&source](const toml::source_region& where, const std::string& what) {
        detail::fail_at(source, where, what);
    };
    const toml::table* table = node->as_table();
    if (table == nullptr) {
        fail(node->source(), "'limits' must be a table");
    }
    for (const auto& [provider, provider_node] : *table) {
        const std::string dotted = fmt::format("limits.{}", provider.str());
        if (provider.str() == "offline" || std::find(k_providers.begin(), k_providers.end(),
                                                     provider.str()) == k_providers.end()) {
            fail(provider_node.source(), fmt::format("unknown key '{}'", dotted));
        }
        const toml::table* fields = provider_node.as_table();
        if (fields == nullptr) {
            fail(provider_node.source(), fmt::format("'{}' must be a table", dotted));
        }
        ProviderLimits& entry = limits[std::string(provider.str())];
        for (const auto& [field, value] : *fields) {
            const std::string field_dotted = fmt::format("{}.{}", dotted, field.str());
            const auto* integer = value.as_integer();
            if (field.str() != "rpm" && field.str() != "tpm") {
                fail(value.source(), fmt::format("unknown key '{}'", field_dotted));
            }
            if (integer == nullptr || integer->get() < 0 || integer->get() > k_max_limit) {
                fail(value.source(), fmt::format("'{}' must be an integer between 0 and {}",
                                                 field_dotted, k_max_limit));
            }
            (field.str() == "rpm" ? entry.rpm : entry.tpm) = integer->get();
        }
    }
    return limits;
}

// Returns the limits of data/models.toml, read once; throws as read_limits() does.
const std::map<std::string, ProviderLimits, std::less<>>& builtin_limits() {
    static const auto limits = read_limits(detail::builtin_data(), "data/models.toml");
    return limits;
}

// ---- the TOML file ---------------------------------------------------------------------------

class FileReader {
public:
    FileReader(std::string path, std::vector<SeatSpec>& specs, FilePanel& panel)
        : m_path(std::move(path)), m_specs(specs), m_panel(panel) {}

    void read(const toml::table& root) {
        reject_api_keys(root);
        for (const auto& [key, value] : root) {
            const std::string name(key.str());
            if (name == "panel") {
                read_panel(table_of(value, name));
            } else if (name == "seats") {
                read_seats(table_of(value, name));
            } else if (name == "store") {
                read_store(table_of(value, name));
            } else if (name == "models" || name == "defaults" || name == "reasoning") {
                // Read by detail::merge_catalogue.
            } else {
                unknown(key, value, name);
            }
        }
    }

private:
    [[noreturn]] void fail(const toml::source_region& where, const std::string& what) const {
        detail::fail_at(m_path, where, what);
    }

    static const toml::source_region& where_of(const toml::key& key, const toml::node& value) {
        return key.source().begin.line != 0 ? key.source() : value.source();
    }

    [[noreturn]] void unknown(const toml::key& key, const toml::node& value,
                              const std::string& dotted) const {
        fail(where_of(key, value), fmt::format("unknown key '{}'", dotted));
    }

    // Rejects a key named api_key anywhere in the file.
    void reject_api_keys(const toml::node& node) const {
        if (const toml::table* table = node.as_table()) {
            for (const auto& [key, value] : *table) {
                std::string lower(key.str());
                std::transform(lower.begin(), lower.end(), lower.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (lower == "api_key" || lower == "apikey") {
                    fail(where_of(key, value),
                         "API keys are read from the environment only; use api_key_env");
                }
                reject_api_keys(value);
            }
        } else if (const toml::array* array = node.as_array()) {
            for (const toml::node& element : *array) {
                reject_api_keys(element);
            }
        }
    }

    const toml::table& table_of(const toml::node& value, const std::string& dotted) const {
        const toml::table* table = value.as_table();
        if (table == nullptr) {
            fail(value.source(), fmt::format("'{}' must be a table", dotted));
        }
        return *table;
    }

    std::string string_of(const toml::node& value, const std::string& dotted) const {
        const auto* text = value.as_string();
        if (text == nullptr) {
            fail(value.source(), fmt::format("'{}' must be a string", dotted));
        }
        return text->get();
    }

    std::string nonempty_string_of(const toml::node& value, const std::string& dotted) const {
        std::string text = string_of(value, dotted);
        if (trim(text).empty()) {
            fail(value.source(), fmt::format("'{}' must not be empty", dotted));
        }
        return text;
    }

    int integer_of(const toml::node& value, const std::string& dotted, int min, int max) const {
        const auto* integer = value.as_integer();
        if (integer == nullptr) {
            fail(value.source(), fmt::format("'{}' must be an integer", dotted));
        }
        if (integer->get() < min || integer->get() > max) {
            fail(value.source(), fmt::format("'{}' must be between {} and {}", dotted, min, max));
        }
        return static_cast<int>(integer->get());
    }

    double number_of(const toml::node& value, const std::string& dotted) const {
        if (const auto* integer = value.as_integer()) {
            return static_cast<double>(integer->get());
        }
        if (const auto* floating = value.as_floating_point()) {
            return floating->get();
        }
        fail(value.source(), fmt::format("'{}' must be a number", dotted));
    }

    double seconds_of(const toml::node& value, const std::string& dotted) const {
        const double seconds = number_of(value, dotted);
        if (!std::isfinite(seconds) || seconds <= 0) {
            fail(value.source(), fmt::format("'{}' must be a positive number of seconds", dotted));
        }
        return seconds;
    }

    void read_panel(const toml::table& panel) {
        for (const auto& [key, value] : panel) {
            const std::string dotted = fmt::format("panel.{}", key.str());
            if (key.str() == "seats") {
                const toml::array* array = value.as_array();
                if (array == nullptr) {
                    fail(value.source(), fmt::format("'{}' must be an array of strings", dotted));
                }
                std::vector<std::string> seats;
                for (const toml::node& element : *array) {
                    const auto* name = element.as_string();
                    if (name == nullptr) {
                        fail(element.source(),
                             fmt::format("'{}' must be an array of strings", dotted));
                    }
                    seats.push_back(trim(name->get()));
                }
                if (seats.empty()) {
                    fail(value.source(), fmt::format("'{}' must name at least one seat", dotted));
                }
                m_panel.seats = std::move(seats);
            } else if (key.str() == "chair") {
                m_panel.chair = trim(nonempty_string_of(value, dotted));
            } else if (key.str() == "quorum") {
                m_panel.quorum = integer_of(value, dotted, 1, 1000);
                m_panel.quorum_origin = fmt::format("{}:{}: ", m_path, value.source().begin.line);
            } else {
                unknown(key, value, dotted);
            }
        }
    }

    // Reads [store]: whole numbers of MiB and days, 0 for no limit.
    void read_store(const toml::table& store) {
        constexpr std::int64_t k_max_mb = 1024LL * 1024 * 1024; // 1 PiB
        constexpr std::int64_t k_max_days = 36500;
        for (const auto& [key, value] : store) {
            const std::string dotted = fmt::format("store.{}", key.str());
            std::int64_t* target = nullptr;
            std::int64_t max = k_max_days;
            if (key.str() == "cache_max_mb") {
                target = &m_panel.store.cache_max_mb;
                max = k_max_mb;
            } else if (key.str() == "cache_max_age_days") {
                target = &m_panel.store.cache_max_age_days;
            } else if (key.str() == "log_max_age_days") {
                target = &m_panel.store.log_max_age_days;
            } else {
                unknown(key, value, dotted);
            }
            const auto* integer = value.as_integer();
            if (integer == nullptr || integer->get() < 0 || integer->get() > max) {
                fail(value.source(),
                     fmt::format("'{}' must be a whole number between 0 (no limit) and {}", dotted,
                                 max));
            }
            *target = integer->get();
        }
    }

    static bool valid_seat_name(std::string_view name) {
        return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
            return std::isalnum(c) != 0 || c == '-' || c == '_';
        });
    }

    static bool valid_env_name(std::string_view name) {
        return !name.empty() && std::isdigit(static_cast<unsigned char>(name.front())) == 0 &&
               std::all_of(name.begin(), name.end(),
                           [](unsigned char c) { return std::isalnum(c) != 0 || c == '_'; });
    }

    void read_seats(const toml::table& seats) {
        for (const auto& [key, value] : seats) {
            const std::string name(key.str());
            const std::string seat_dotted = fmt::format("seats.{}", name);
            if (!valid_seat_name(name)) {
                fail(where_of(key, value),
                     fmt::format("seat name '{}' must hold only letters, digits, '-' and '_'",
                                 name));
            }
            const toml::table& fields = table_of(value, seat_dotted);
            read_seat(name, fields, where_of(key, value));
        }
    }

    void read_seat(const std::string& name, const toml::table& fields,
                   const toml::source_region& where) {
        SeatSpec* existing = find_spec(m_specs, name);
        SeatSpec spec;
        if (existing != nullptr) {
            spec = *existing;
        } else {
            spec.seat.name = name;
        }
        spec.origin = fmt::format("{}:{}", m_path, where.begin.line);

        std::optional<std::string> provider;
        std::optional<std::string> model;
        std::optional<std::string> key_env;
        const toml::node* limit_node = nullptr; // the first rpm / tpm key, for an offline seat
        std::string limit_dotted;
        for (const auto& [key, value] : fields) {
            const std::string dotted = fmt::format("seats.{}.{}", name, key.str());
            const std::string_view field = key.str();
            if (field == "provider") {
                provider = string_of(value, dotted);
                if (std::find(k_providers.begin(), k_providers.end(), *provider) ==
                    k_providers.end()) {
                    fail(value.source(), fmt::format("'{}' must be one of {} (got '{}')", dotted,
                                                     fmt::join(k_providers, ", "), *provider));
                }
            } else if (field == "model") {
                model = trim(nonempty_string_of(value, dotted));
            } else if (field == "base_url") {
                spec.seat.base_url = trim(string_of(value, dotted));
            } else if (field == "api_key_env") {
                key_env = string_of(value, dotted);
                if (!key_env->empty() && !valid_env_name(*key_env)) {
                    // Never echo the value: it may be a key pasted in the wrong place.
                    fail(value.source(),
                         fmt::format("'{}' must name an environment variable (letters, digits "
                                     "and '_'), not hold the key itself",
                                     dotted));
                }
            } else if (field == "timeout_s") {
                spec.seat.timeout_s = seconds_of(value, dotted);
                spec.timeout_set = true;
            } else if (field == "effort") {
                const std::string level = string_of(value, dotted);
                const auto effort = providers::parse_effort(level);
                if (!effort) {
                    fail(value.source(),
                         fmt::format("'{}' must be low, medium or high (got '{}')", dotted, level));
                }
                spec.seat.effort = *effort;
                spec.effort_set = true;
            } else if (field == "connect_timeout_s") {
                spec.seat.connect_timeout_s = seconds_of(value, dotted);
            } else if (field == "max_tokens") {
                spec.seat.max_tokens = integer_of(value, dotted, 1, 1'000'000);
            } else if (field == "temperature") {
                const double temperature = number_of(value, dotted);
                if (!(temperature >= 0 && temperature <= 2)) {
                    fail(value.source(), fmt::format("'{}' must be between 0 and 2", dotted));
                }
                spec.seat.temperature = temperature;
            } else if (field == "retries") {
                spec.seat.retries = integer_of(value, dotted, 0, 100);
            } else if (field == "rpm" || field == "tpm") {
                const int limit = integer_of(value, dotted, 0, static_cast<int>(k_max_limit));
                (field == "rpm" ? spec.seat.rpm : spec.seat.tpm) = limit;
                (field == "rpm" ? spec.rpm_set : spec.tpm_set) = true;
                if (limit_node == nullptr) {
                    limit_node = &value;
                    limit_dotted = dotted;
                }
            } else {
                unknown(key, value, dotted);
            }
        }

        if (existing == nullptr && !provider) {
            fail(where, fmt::format("seat '{}' needs a provider ({})", name,
                                    fmt::join(k_providers, ", ")));
        }
        if (provider && *provider != spec.seat.provider) {
            // A seat moved to another provider gets that provider's defaults.
            spec.seat.provider = *provider;
            spec.seat.api_key_env = default_key_env(*provider);
            spec.model_set = false;
            spec.seat.model.clear();
        }
        if (model) {
            spec.seat.model = *model;
            spec.model_set = true;
        }
        if (limit_node != nullptr && spec.seat.provider == "offline") {
            fail(limit_node->source(),
                 fmt::format("'{}' does not apply to an offline seat (it makes no calls)",
                             limit_dotted));
        }
        if (key_env) {
            spec.seat.api_key_env = *key_env;
        }
        if (spec.seat.provider == "openai-compatible" && spec.seat.base_url.empty()) {
            fail(where,
                 fmt::format("seat '{}' (provider openai-compatible) needs a base_url, such as "
                             "http://localhost:11434/v1",
                             name));
        }

        if (existing != nullptr) {
            *existing = std::move(spec);
        } else {
            m_specs.push_back(std::move(spec));
        }
    }

    std::string m_path;
    std::vector<SeatSpec>& m_specs;
    FilePanel& m_panel;
};

// Returns the config file to read ("" for none) and whether it must exist.
std::pair<std::string, bool> config_path(const Overrides& overrides, const Env& env) {
    if (overrides.config_path) {
        return {*overrides.config_path, true};
    }
    if (auto path = env_value(env, "ROUNDTABLE_CONFIG")) {
        return {*path, true};
    }
    if (auto xdg = env_value(env, "XDG_CONFIG_HOME")) {
        return {(std::filesystem::path(*xdg) / "roundtable" / "config.toml").string(), false};
    }
    if (auto home = env_value(env, "HOME")) {
        return {(std::filesystem::path(*home) / ".config" / "roundtable" / "config.toml").string(),
                false};
    }
    return {"", false};
}

// Reads the file's text; nullopt when an optional file does not exist.
std::optional<std::string> read_config_text(const std::string& path, bool required) {
    if (!required) {
        std::error_code error;
        if (!std::filesystem::exists(path, error)) {
            return std::nullopt;
        }
    }
    auto read = util::read_file_capped(path, k_max_config_bytes);
    if (!read) {
        throw Error(Exit::config,
                    fmt::format("cannot read config file '{}': {}", path, read.error()));
    }
    if (read->over_cap) {
        throw Error(Exit::config, fmt::format("config file '{}' is larger than 1 MiB", path));
    }
    return std::move(read->bytes);
}

// ---- resolving the panel -----------------------------------------------------------------------

// GEMINI_API_KEY falls back to GOOGLE_API_KEY when it is unset and that one is set.
void apply_key_fallback(SeatConfig& seat, const Env& env) {
    if (seat.api_key_env == "GEMINI_API_KEY" && !is_set(env, "GEMINI_API_KEY") &&
        is_set(env, "GOOGLE_API_KEY")) {
        seat.api_key_env = "GOOGLE_API_KEY";
    }
}

bool needs_key(const SeatConfig& seat) {
    return seat.provider != "offline" && seat.provider != "openai-compatible" &&
           !seat.api_key_env.empty();
}

std::string key_name_for_message(const SeatConfig& seat) {
    if (seat.api_key_env == "GEMINI_API_KEY") {
        return "GEMINI_API_KEY (or GOOGLE_API_KEY)";
    }
    return seat.api_key_env;
}

// What --effort says: a level for every seat, and levels for named seats.
struct EffortFlags {
    std::optional<providers::Effort> all;
    std::map<std::string, providers::Effort, std::less<>> seats;
};

// Reads --effort LEVEL and --effort SEAT=LEVEL; throws Error(Exit::config) for an unknown seat
// or level.
EffortFlags read_effort_flags(const Overrides& overrides, const std::vector<SeatSpec>& specs) {
    EffortFlags flags;
    for (const auto& [seat_name, level] : overrides.efforts) {
        const auto effort = providers::parse_effort(trim(level));
        const std::string flag = seat_name.empty() ? level : fmt::format("{}={}", seat_name, level);
        if (!effort) {
            throw Error(Exit::config, fmt::format("--effort {}: the level must be low, medium "
                                                  "or high",
                                                  flag));
        }
        if (seat_name.empty()) {
            flags.all = *effort;
            continue;
        }
        const auto known = std::find_if(specs.begin(), specs.end(), [&](const SeatSpec& s) {
            return s.seat.name == trim(seat_name);
        });
        if (known == specs.end()) {
            throw Error(Exit::config, fmt::format("unknown seat '{}' in --effort {} (known: {})",
                                                  seat_name, flag, known_seats(specs)));
        }
        flags.seats[trim(seat_name)] = *effort;
    }
    return flags;
}

// Gives `seat` its model's traits, its effort (the file's, then --effort for every seat, then
// --effort for this seat; else the catalogue's default), the reasoning allowances and, unless
// the file set one, the timeout of a reasoning model at that effort. A temperature the model
// refuses and a model the catalogue does not list become notices.
void fit_to_model(SeatConfig& seat, const SeatSpec& spec, const EffortFlags& flags,
                  const Catalogue& catalogue, std::vector<std::string>& notices) {
    if (seat.provider == "offline") {
        return;
    }
    seat.traits = catalogue.traits(seat.provider, seat.model);
    if (!spec.effort_set) {
        seat.effort = catalogue.default_effort();
    }
    if (flags.all) {
        seat.effort = *flags.all;
    }
    if (const auto named = flags.seats.find(seat.name); named != flags.seats.end()) {
        seat.effort = named->second;
    }
    for (const providers::Effort effort :
         {providers::Effort::low, providers::Effort::medium, providers::Effort::high}) {
        seat.reasoning_tokens[static_cast<std::size_t>(effort)] =
            catalogue.reasoning(effort).tokens;
    }
    if (!spec.timeout_set && seat.traits.thinks_at(seat.effort)) {
        seat.timeout_s = std::max(seat.timeout_s, catalogue.reasoning(seat.effort).timeout_s);
    }
    if (seat.temperature && !seat.traits.sampling) {
        notices.push_back(fmt::format(
            "seat '{}': model {} takes no sampling parameters; temperature {} is not sent",
            seat.name, seat.model, *seat.temperature));
        seat.temperature.reset();
    }
    if (!seat.traits.listed && seat.provider != "openai-compatible") {
        notices.push_back(fmt::format(
            "seat '{}': model '{}' is not in the catalogue (see `roundtable models`); it is sent "
            "no reasoning or sampling parameter, with room to reason",
            seat.name, seat.model));
    }
}

} // namespace

Env Env::process() {
    return Env{[](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    }};
}

Env Env::from_map(std::map<std::string, std::string> variables) {
    return Env{
        [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
            const auto found = variables.find(name);
            if (found == variables.end()) {
                return std::nullopt;
            }
            return found->second;
        }};
}

const std::vector<std::string>& builtin_seat_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const SeatSpec& spec : builtin_specs()) {
            all.push_back(spec.seat.name);
        }
        return all;
    }();
    return names;
}

StoreSettings load_store_settings(const Overrides& overrides, const Env& env) {
    const auto [path, required] = config_path(overrides, env);
    FilePanel file_panel;
    if (!path.empty()) {
        if (std::optional<std::string> text = read_config_text(path, required)) {
            const toml::table root = detail::parse_toml(*text, path);
            std::vector<SeatSpec> specs = builtin_specs();
            FileReader(path, specs, file_panel).read(root);
            Catalogue catalogue = Catalogue::builtin();
            detail::merge_catalogue(catalogue, root, path);
        }
    }
    return file_panel.store;
}

PanelConfig load(const Overrides& overrides, const Env& env) {
    PanelConfig config;
    config.catalogue = Catalogue::builtin();
    std::vector<SeatSpec> specs = builtin_specs();
    FilePanel file_panel;

    // 1. The file.
    const auto [path, required] = config_path(overrides, env);
    if (!path.empty()) {
        if (std::optional<std::string> text = read_config_text(path, required)) {
            const toml::table root = detail::parse_toml(*text, path);
            FileReader(path, specs, file_panel).read(root);
            detail::merge_catalogue(config.catalogue, root, path);
            config.config_file = path;
        }
    }
    config.store = file_panel.store;

    // 2. The environment, then 3. the flags.
    std::optional<std::vector<std::string>> panel_names = file_panel.seats;
    bool panel_given = panel_names.has_value();
    if (auto value = env_value(env, "ROUNDTABLE_PANEL")) {
        std::vector<std::string> names = split_names({*value});
        if (names.empty()) {
            throw Error(Exit::config, "ROUNDTABLE_PANEL names no seat");
        }
        panel_names = std::move(names);
        panel_given = true;
    }
    if (!overrides.panel.empty()) {
        std::vector<std::string> names = split_names(overrides.panel);
        if (names.empty()) {
            throw Error(Exit::config, "--panel names no seat");
        }
        panel_names = std::move(names);
        panel_given = true;
    }

    std::optional<std::string> chair = file_panel.chair;
    bool chair_from_flag = false;
    if (auto value = env_value(env, "ROUNDTABLE_CHAIR")) {
        chair = trim(*value);
    }
    if (overrides.chair) {
        chair = trim(*overrides.chair);
        chair_from_flag = true;
    }

    std::optional<double> timeout_s;
    if (auto value = env_value(env, "ROUNDTABLE_TIMEOUT")) {
        timeout_s = parse_seconds(trim(*value));
        if (!timeout_s) {
            throw Error(
                Exit::config,
                fmt::format("ROUNDTABLE_TIMEOUT must be a positive number of seconds, got '{}'",
                            *value));
        }
    }
    if (overrides.timeout_s) {
        if (!std::isfinite(*overrides.timeout_s) || *overrides.timeout_s <= 0) {
            throw Error(Exit::config, "--timeout must be a positive number of seconds");
        }
        timeout_s = overrides.timeout_s;
    }
    if (overrides.retries && *overrides.retries < 0) {
        throw Error(Exit::config, "--retries must be 0 or more");
    }
    if (overrides.rpm && (*overrides.rpm < 0 || *overrides.rpm > k_max_limit)) {
        throw Error(Exit::config, fmt::format("--rpm must be between 0 and {}", k_max_limit));
    }
    if (overrides.tpm && (*overrides.tpm < 0 || *overrides.tpm > k_max_limit)) {
        throw Error(Exit::config, fmt::format("--tpm must be between 0 and {}", k_max_limit));
    }

    for (const auto& [seat_name, model] : overrides.models) {
        SeatSpec* spec = find_spec(specs, trim(seat_name));
        if (spec == nullptr) {
            throw Error(Exit::config, fmt::format("unknown seat '{}' in --model {}={} (known: {})",
                                                  seat_name, seat_name, model, known_seats(specs)));
        }
        if (trim(model).empty()) {
            throw Error(Exit::config, fmt::format("--model {}= names no model", seat_name));
        }
        spec->seat.model = trim(model);
        spec->model_set = true;
    }

    // Models left to the provider's default ([defaults] of the file, else data/models.toml).
    for (SeatSpec& spec : specs) {
        if (spec.model_set) {
            continue;
        }
        if (std::optional<std::string> model = config.catalogue.default_model(spec.seat.provider)) {
            spec.seat.model = *model;
        } else {
            throw Error(Exit::config,
                        fmt::format("{}{}seat '{}' needs a model (provider {} has no default)",
                                    spec.origin, spec.origin.empty() ? "" : ": ", spec.seat.name,
                                    spec.seat.provider));
        }
    }
    for (SeatSpec& spec : specs) {
        apply_key_fallback(spec.seat, env);
    }
    // Per-minute limits the file left out: data/models.toml's, per provider.
    for (SeatSpec& spec : specs) {
        const auto& limits = builtin_limits();
        const auto found = limits.find(spec.seat.provider);
        const ProviderLimits data = found == limits.end() ? ProviderLimits{} : found->second;
        if (!spec.rpm_set) {
            spec.seat.rpm = data.rpm;
        }
        if (!spec.tpm_set) {
            spec.seat.tpm = data.tpm;
        }
    }

    // Which seats sit.
    std::vector<std::string> names;
    if (overrides.offline) {
        names.assign(k_offline_seats.begin(), k_offline_seats.end());
        config.notices.push_back("--offline: using the offline analysts, no language model");
    } else if (panel_names) {
        for (const std::string& name : *panel_names) {
            const SeatSpec* spec = find_spec(specs, name);
            if (spec == nullptr) {
                throw Error(Exit::config,
                            fmt::format("unknown seat '{}' (known: {})", name, known_seats(specs)));
            }
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                throw Error(Exit::config,
                            fmt::format("seat '{}' appears twice in the panel", name));
            }
            if (overrides.require_keys && needs_key(spec->seat) &&
                !is_set(env, spec->seat.api_key_env)) {
                throw Error(
                    Exit::config,
                    fmt::format("seat '{}' needs {}: set it in the environment, or leave the "
                                "seat out of the panel",
                                name, key_name_for_message(spec->seat)));
            }
            names.push_back(name);
        }
    } else {
        std::vector<std::string> missing;
        std::vector<std::string> key_names;
        for (const std::string_view name : k_online_seats) {
            const SeatSpec* spec = find_spec(specs, name);
            key_names.push_back(spec->seat.api_key_env);
            if (!needs_key(spec->seat) || is_set(env, spec->seat.api_key_env)) {
                names.emplace_back(name);
            } else {
                missing.push_back(fmt::format("{} ({})", name, spec->seat.api_key_env));
            }
        }
        if (names.empty()) {
            names.assign(k_offline_seats.begin(), k_offline_seats.end());
            config.notices.push_back(
                fmt::format("no API key set ({}): using the offline analysts, no language model",
                            fmt::join(key_names, ", ")));
        } else if (!missing.empty()) {
            config.notices.push_back(fmt::format("the panel has {} of {} seats: no key for {}",
                                                 names.size(), k_online_seats.size(),
                                                 fmt::join(missing, ", ")));
        }
    }

    const EffortFlags effort_flags = read_effort_flags(overrides, specs);
    for (const std::string& name : names) {
        const SeatSpec& spec = *find_spec(specs, name);
        SeatConfig seat = spec.seat;
        fit_to_model(seat, spec, effort_flags, config.catalogue, config.notices);
        if (timeout_s) {
            seat.timeout_s = *timeout_s;
        }
        if (overrides.retries) {
            seat.retries = *overrides.retries;
        }
        if (overrides.rpm && seat.provider != "offline") {
            seat.rpm = *overrides.rpm;
        }
        if (overrides.tpm && seat.provider != "offline") {
            seat.tpm = *overrides.tpm;
        }
        if (seat.provider == "openai-compatible" && !seat.api_key_env.empty() &&
            !is_set(env, seat.api_key_env)) {
            config.notices.push_back(
                fmt::format("seat '{}': {} is not set; calling {} without a key", name,
                            seat.api_key_env, seat.base_url));
        }
        config.seats.push_back(std::move(seat));
    }
    config.offline = std::all_of(config.seats.begin(), config.seats.end(),
                                 [](const SeatConfig& seat) { return seat.provider == "offline"; });
    // Issue 10: a key of a few characters is not a real one (and is masked only where it stands
    // whole, in headers and URLs).
    std::vector<std::string> short_keys;
    for (const SeatConfig& seat : config.seats) {
        const auto value =
            seat.provider == "offline" ? std::nullopt : env_value(env, seat.api_key_env);
        if (value && !value->empty() && value->size() < k_min_key_chars &&
            std::find(short_keys.begin(), short_keys.end(), seat.api_key_env) == short_keys.end()) {
            short_keys.push_back(seat.api_key_env);
            config.notices.push_back(fmt::format(
                "warning: {} is {} character{} long, shorter than any real API key; check it",
                seat.api_key_env, value->size(), value->size() == 1 ? "" : "s"));
        }
    }

    // The chair.
    const auto sits = [&](const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    config.chair = names.front();
    if (chair && !chair->empty()) {
        if (sits(*chair)) {
            config.chair = *chair;
        } else if (panel_given || chair_from_flag) {
            throw Error(Exit::config, fmt::format("chair '{}' is not in the panel ({})", *chair,
                                                  fmt::join(names, ", ")));
        } else {
            config.notices.push_back(
                fmt::format("chair '{}' is not in the panel; '{}' chairs", *chair, config.chair));
        }
    }

    // The quorum.
    const int seats = static_cast<int>(names.size());
    if (overrides.quorum) {
        if (*overrides.quorum < 1) {
            throw Error(Exit::config,
                        fmt::format("--quorum must be at least 1, got {}", *overrides.quorum));
        }
        if (*overrides.quorum > seats) {
            throw Error(Exit::config,
                        fmt::format("--quorum {} is more than the {} seats of the panel",
                                    *overrides.quorum, seats));
        }
        config.quorum = *overrides.quorum;
    } else if (file_panel.quorum) {
        if (*file_panel.quorum <= seats) {
            config.quorum = *file_panel.quorum;
        } else if (panel_given && !overrides.offline) {
            throw Error(Exit::config,
                        fmt::format("{}quorum {} is more than the {} seats of the panel",
                                    file_panel.quorum_origin, *file_panel.quorum, seats));
        } else {
            config.quorum = seats;
            config.notices.push_back(fmt::format("quorum {} lowered to {}, the size of the panel",
                                                 *file_panel.quorum, seats));
        }
    } else {
        config.quorum = std::min(k_default_quorum, seats);
    }
    return config;
}

} // namespace roundtable::config
