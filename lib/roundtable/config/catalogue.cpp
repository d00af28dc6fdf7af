#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <roundtable/config/catalogue.hpp>
#include <roundtable/config/toml_data.hpp>
#include <roundtable/embedded_data.hpp>
#include <roundtable/util/error.hpp>
#include <string>

namespace roundtable::config {

namespace {

// Providers that bill by the token; offline seats have no prices and no default model.
constexpr std::array<std::string_view, 5> k_priced_providers{"anthropic", "openai", "gemini", "xai",
                                                             "openai-compatible"};

constexpr double k_per_million = 1'000'000.0;

bool is_priced_provider(std::string_view name) {
    return std::find(k_priced_providers.begin(), k_priced_providers.end(), name) !=
           k_priced_providers.end();
}

using detail::fail_at;

// The key's own position when toml++ knows it, else the value's.
const toml::source_region& where_of(const toml::key& key, const toml::node& value) {
    return key.source().begin.line != 0 ? key.source() : value.source();
}

void fail_unknown(const std::string& source, const toml::key& key, const toml::node& value,
                  const std::string& dotted, std::string_view hint = {}) {
    fail_at(source, where_of(key, value), fmt::format("unknown key '{}'{}", dotted, hint));
}

const toml::table& expect_table(const std::string& source, const toml::node& value,
                                const std::string& dotted) {
    const toml::table* table = value.as_table();
    if (table == nullptr) {
        fail_at(source, value.source(), fmt::format("'{}' must be a table", dotted));
    }
    return *table;
}

double expect_rate(const std::string& source, const toml::node& value, const std::string& dotted) {
    double rate = 0;
    if (const auto* integer = value.as_integer()) {
        rate = static_cast<double>(integer->get());
    } else if (const auto* floating = value.as_floating_point()) {
        rate = floating->get();
    } else {
        fail_at(source, value.source(), fmt::format("'{}' must be a number", dotted));
    }
    if (!(rate >= 0) || rate > 1e9) {
        fail_at(source, value.source(), fmt::format("'{}' must be a non-negative number", dotted));
    }
    return rate;
}

std::string provider_hint() {
    return fmt::format(" (providers: {})", fmt::join(k_priced_providers, ", "));
}

std::string expect_string(const std::string& source, const toml::node& value,
                          const std::string& dotted) {
    const auto* text = value.as_string();
    if (text == nullptr) {
        fail_at(source, value.source(), fmt::format("'{}' must be a string", dotted));
    }
    return text->get();
}

std::int64_t expect_count(const std::string& source, const toml::node& value,
                          const std::string& dotted) {
    const auto* integer = value.as_integer();
    if (integer == nullptr || integer->get() < 0 || integer->get() > 100'000'000) {
        fail_at(source, value.source(),
                fmt::format("'{}' must be a whole number of tokens (0 to 100000000)", dotted));
    }
    return integer->get();
}

bool expect_bool(const std::string& source, const toml::node& value, const std::string& dotted) {
    const auto* flag = value.as_boolean();
    if (flag == nullptr) {
        fail_at(source, value.source(), fmt::format("'{}' must be true or false", dotted));
    }
    return flag->get();
}

// Returns `name` parsed by `parse`, or fails naming the choices.
template <typename Parse>
auto expect_choice(const std::string& source, const toml::node& value, const std::string& dotted,
                   Parse parse, std::string_view choices) {
    const std::string name = expect_string(source, value, dotted);
    const auto parsed = parse(name);
    if (!parsed) {
        fail_at(source, value.source(),
                fmt::format("'{}' must be one of {} (got '{}')", dotted, choices, name));
    }
    return *parsed;
}

providers::Effort expect_effort(const std::string& source, const toml::node& value,
                                const std::string& dotted) {
    return expect_choice(source, value, dotted, providers::parse_effort, "low, medium, high");
}

// Reads `efforts`: three values, the model's control for low, medium and high (level words,
// or token counts for a budget).
std::array<std::string, 3> expect_efforts(const std::string& source, const toml::node& value,
                                          const std::string& dotted) {
    const toml::array* array = value.as_array();
    if (array == nullptr || array->size() != 3) {
        fail_at(source, value.source(),
                fmt::format("'{}' must list three values: the model's setting for low, medium "
                            "and high",
                            dotted));
    }
    std::array<std::string, 3> values;
    for (std::size_t i = 0; i < 3; ++i) {
        const toml::node& element = *array->get(i);
        if (const auto* text = element.as_string(); text != nullptr && !text->get().empty()) {
            values[i] = text->get();
        } else if (const auto* integer = element.as_integer();
                   integer != nullptr && integer->get() >= 0) {
            values[i] = std::to_string(integer->get());
        } else {
            fail_at(source, element.source(),
                    fmt::format("'{}' must hold level names or token counts", dotted));
        }
    }
    return values;
}

void read_reasoning(Catalogue& catalogue, const std::string& source, const toml::table& table) {
    for (const auto& [key, value] : table) {
        const std::string dotted = fmt::format("reasoning.{}", key.str());
        if (key.str() == "default_effort") {
            catalogue.set_default_effort(expect_effort(source, value, dotted));
            continue;
        }
        const auto effort = providers::parse_effort(key.str());
        if (!effort) {
            fail_unknown(source, key, value, dotted, " (low, medium, high or default_effort)");
        }
        ReasoningBudget budget = catalogue.reasoning(*effort);
        for (const auto& [field, field_value] : expect_table(source, value, dotted)) {
            const std::string field_dotted = fmt::format("{}.{}", dotted, field.str());
            if (field.str() == "tokens") {
                budget.tokens = expect_count(source, field_value, field_dotted);
            } else if (field.str() == "timeout_s") {
                budget.timeout_s = expect_rate(source, field_value, field_dotted);
                if (budget.timeout_s <= 0) {
                    fail_at(source, field_value.source(),
                            fmt::format("'{}' must be a positive number of seconds", field_dotted));
                }
            } else {
                fail_unknown(source, field, field_value, field_dotted);
            }
        }
        catalogue.set_reasoning(*effort, budget);
    }
}

void read_model_field(ModelEntry& entry, const std::string& source, const toml::key& field,
                      const toml::node& value, const std::string& dotted) {
    const std::string_view name = field.str();
    Price& price = entry.price;
    providers::ModelTraits& traits = entry.traits;
    if (name == "input") {
        price.input = expect_rate(source, value, dotted);
    } else if (name == "output") {
        price.output = expect_rate(source, value, dotted);
    } else if (name == "cached_input") {
        price.cached_input = expect_rate(source, value, dotted);
    } else if (name == "cache_write") {
        price.cache_write = expect_rate(source, value, dotted);
    } else if (name == "batch_discount") {
        price.batch_discount = expect_rate(source, value, dotted);
        if (price.batch_discount >= 1) {
            fail_at(source, value.source(),
                    fmt::format("'{}' must be a share below 1 (0.5 is half price)", dotted));
        }
    } else if (name == "long_context") {
        price.long_context = expect_count(source, value, dotted);
    } else if (name == "long_input") {
        price.long_input = expect_rate(source, value, dotted);
    } else if (name == "long_output") {
        price.long_output = expect_rate(source, value, dotted);
    } else if (name == "long_cached_input") {
        price.long_cached_input = expect_rate(source, value, dotted);
    } else if (name == "context") {
        traits.context = expect_count(source, value, dotted);
    } else if (name == "max_output") {
        traits.max_output = expect_count(source, value, dotted);
    } else if (name == "reasoning") {
        traits.reasoning = expect_choice(source, value, dotted, providers::parse_reasoning,
                                         "none, opt-in, default, always");
    } else if (name == "control") {
        traits.control =
            expect_choice(source, value, dotted, providers::parse_control, "none, effort, budget");
    } else if (name == "efforts") {
        traits.effort_values = expect_efforts(source, value, dotted);
    } else if (name == "default_effort") {
        traits.default_effort = expect_effort(source, value, dotted);
    } else if (name == "structured") {
        traits.structured = expect_choice(source, value, dotted, providers::parse_structured,
                                          "json_schema, tool, prompt");
    } else if (name == "sampling") {
        traits.sampling = expect_bool(source, value, dotted);
    } else if (name == "status") {
        const std::string status = expect_string(source, value, dotted);
        if (status != "current" && status != "legacy") {
            fail_at(source, value.source(),
                    fmt::format("'{}' must be current or legacy (got '{}')", dotted, status));
        }
        entry.legacy = status == "legacy";
    } else if (name == "source") {
        entry.source = expect_string(source, value, dotted);
    } else if (name == "note") {
        entry.note = expect_string(source, value, dotted);
    } else {
        fail_unknown(source, field, value, dotted);
    }
}

// Fails when the entry's reasoning fields do not fit together.
void check_entry(const ModelEntry& entry, const std::string& source, const toml::node& node,
                 const std::string& dotted) {
    const providers::ModelTraits& traits = entry.traits;
    const bool has_values = !traits.effort_values[0].empty();
    if (traits.control != providers::ReasoningControl::none && !has_values) {
        fail_at(source, node.source(),
                fmt::format("'{}' has control = \"{}\" but no efforts = [low, medium, high]",
                            dotted, providers::control_name(traits.control)));
    }
    if (traits.control == providers::ReasoningControl::budget) {
        for (const std::string& value : traits.effort_values) {
            if (value.find_first_not_of("0123456789") != std::string::npos) {
                fail_at(source, node.source(),
                        fmt::format("'{}' has a budget control: its efforts must be token "
                                    "counts, got '{}'",
                                    dotted, value));
            }
        }
    }
    if (traits.control != providers::ReasoningControl::none &&
        traits.reasoning == providers::Reasoning::none) {
        fail_at(source, node.source(),
                fmt::format("'{}' has a reasoning control but reasoning = \"none\"", dotted));
    }
}

} // namespace

namespace detail {

void fail_at(const std::string& source, const toml::source_region& where, const std::string& what) {
    throw Error(Exit::config, fmt::format("{}:{}: {}", source, where.begin.line, what));
}

toml::table parse_toml(std::string_view text, const std::string& source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& error) {
        // The parser quotes the character it saw, which may be a newline: the error is one line.
        std::string what;
        for (const char c : error.description()) {
            what += c == '\n'                              ? std::string("\\n")
                    : c == '\r'                            ? std::string("\\r")
                    : static_cast<unsigned char>(c) < 0x20 ? std::string(" ")
                                                           : std::string(1, c);
        }
        throw Error(Exit::config, fmt::format("{}:{}:{}: {}", source, error.source().begin.line,
                                              error.source().begin.column, what));
    }
}

const toml::table& builtin_data() {
    static const toml::table root = parse_toml(embedded::data::k_models, "data/models.toml");
    return root;
}

void merge_catalogue(Catalogue& catalogue, const toml::table& root, const std::string& source) {
    if (const toml::node* defaults_node = root.get("defaults")) {
        const toml::table& defaults = expect_table(source, *defaults_node, "defaults");
        for (const auto& [provider, value] : defaults) {
            const std::string dotted = fmt::format("defaults.{}", provider.str());
            if (!is_priced_provider(provider.str())) {
                fail_unknown(source, provider, value, dotted, provider_hint());
            }
            const auto* model = value.as_string();
            if (model == nullptr || model->get().empty()) {
                fail_at(source, value.source(),
                        fmt::format("'{}' must be a model id (a non-empty string)", dotted));
            }
            catalogue.set_default_model(std::string(provider.str()), model->get());
        }
    }

    if (const toml::node* reasoning_node = root.get("reasoning")) {
        read_reasoning(catalogue, source, expect_table(source, *reasoning_node, "reasoning"));
    }

    if (const toml::node* models_node = root.get("models")) {
        const toml::table& models = expect_table(source, *models_node, "models");
        for (const auto& [provider, provider_node] : models) {
            const std::string provider_dotted = fmt::format("models.{}", provider.str());
            if (!is_priced_provider(provider.str())) {
                fail_unknown(source, provider, provider_node, provider_dotted, provider_hint());
            }
            const toml::table& provider_models =
                expect_table(source, provider_node, provider_dotted);
            for (const auto& [model, model_node] : provider_models) {
                const std::string model_dotted = fmt::format("{}.{}", provider_dotted, model.str());
                const toml::table& fields = expect_table(source, model_node, model_dotted);
                ModelEntry entry;
                if (const ModelEntry* existing = catalogue.find(provider.str(), model.str())) {
                    entry = *existing;
                } else {
                    entry.provider = std::string(provider.str());
                    entry.id = std::string(model.str());
                    entry.traits = unlisted_traits(provider.str());
                }
                for (const auto& [field, value] : fields) {
                    read_model_field(entry, source, field, value,
                                     fmt::format("{}.{}", model_dotted, field.str()));
                }
                entry.traits.listed = true;
                check_entry(entry, source, model_node, model_dotted);
                catalogue.set(std::move(entry));
            }
        }
    }
}

} // namespace detail

const Catalogue& Catalogue::builtin() {
    static const Catalogue catalogue = [] {
        Catalogue built;
        detail::merge_catalogue(built, detail::builtin_data(), "data/models.toml");
        return built;
    }();
    return catalogue;
}

void Catalogue::merge_toml(std::string_view text, const std::string& source) {
    detail::merge_catalogue(*this, detail::parse_toml(text, source), source);
}

void Catalogue::set(ModelEntry entry) {
    std::vector<ModelEntry>& models = m_models[entry.provider];
    const auto same = std::find_if(models.begin(), models.end(),
                                   [&](const ModelEntry& e) { return e.id == entry.id; });
    if (same != models.end()) {
        *same = std::move(entry);
    } else {
        models.push_back(std::move(entry));
    }
}

void Catalogue::set_default_model(const std::string& provider, const std::string& model) {
    m_defaults[provider] = model;
}

const ModelEntry* Catalogue::find(std::string_view provider, std::string_view model) const {
    const auto models = m_models.find(provider);
    if (models == m_models.end()) {
        return nullptr;
    }
    const auto entry = std::find_if(models->second.begin(), models->second.end(),
                                    [&](const ModelEntry& e) { return e.id == model; });
    return entry == models->second.end() ? nullptr : &*entry;
}

std::optional<std::string> Catalogue::default_model(std::string_view provider) const {
    const auto found = m_defaults.find(provider);
    if (found == m_defaults.end()) {
        return std::nullopt;
    }
    return found->second;
}

std::vector<const ModelEntry*> Catalogue::entries() const {
    std::vector<const ModelEntry*> out;
    for (const std::string_view provider : k_priced_providers) {
        if (const auto models = m_models.find(provider); models != m_models.end()) {
            for (const ModelEntry& entry : models->second) {
                out.push_back(&entry);
            }
        }
    }
    return out;
}

providers::ModelTraits Catalogue::traits(std::string_view provider, std::string_view model) const {
    if (const ModelEntry* entry = find(provider, model)) {
        return entry->traits;
    }
    return unlisted_traits(provider);
}

double Catalogue::cost(std::string_view provider, std::string_view model,
                       const BilledTokens& tokens, bool batch) const {
    const ModelEntry* entry = find(provider, model);
    if (entry == nullptr) {
        return 0.0;
    }
    const Price& price = entry->price;
    const auto count = [](std::int64_t n) {
        return static_cast<double>(std::max<std::int64_t>(n, 0));
    };
    const bool long_prompt = price.long_context > 0 && tokens.input > price.long_context;
    const auto pick = [long_prompt](double normal, double long_rate) {
        return long_prompt && long_rate > 0 ? long_rate : normal;
    };
    const double input_rate = pick(price.input, price.long_input);
    const double output_rate = pick(price.output, price.long_output);
    const double cached_rate =
        pick(price.cached_input > 0 ? price.cached_input : price.input, price.long_cached_input);
    const double write_rate = price.cache_write > 0 ? price.cache_write : input_rate;
    const double cached = count(tokens.cached);
    const double written = count(tokens.cache_write);
    const double uncached = std::max(count(tokens.input) - cached - written, 0.0);
    const double full = (uncached * input_rate + cached * cached_rate + written * write_rate +
                         count(tokens.output) * output_rate) /
                        k_per_million;
    return batch ? full * (1.0 - price.batch_discount) : full;
}

providers::ModelTraits unlisted_traits(std::string_view provider) {
    providers::ModelTraits traits;
    if (provider == "openai-compatible") {
        traits.reasoning = providers::Reasoning::none;
        traits.sampling = true;
        return traits;
    }
    traits.reasoning = providers::Reasoning::default_on;
    traits.control = providers::ReasoningControl::none;
    traits.sampling = false;
    traits.structured = providers::StructuredOutput::json_schema;
    return traits;
}

} // namespace roundtable::config
