#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <roundtable/config/prices.hpp>
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

} // namespace

namespace detail {

void fail_at(const std::string& source, const toml::source_region& where, const std::string& what) {
    throw Error(Exit::config, fmt::format("{}:{}: {}", source, where.begin.line, what));
}

toml::table parse_toml(std::string_view text, const std::string& source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& error) {
        throw Error(Exit::config, fmt::format("{}:{}:{}: {}", source, error.source().begin.line,
                                              error.source().begin.column, error.description()));
    }
}

const toml::table& builtin_data() {
    static const toml::table root = parse_toml(embedded::data::k_models, "data/models.toml");
    return root;
}

void merge_prices(PriceTable& table, const toml::table& root, const std::string& source) {
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
            table.set_default_model(std::string(provider.str()), model->get());
        }
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
                Price price = table.find(provider.str(), model.str()).value_or(Price{});
                for (const auto& [field, value] : fields) {
                    const std::string dotted = fmt::format("{}.{}", model_dotted, field.str());
                    if (field.str() == "input") {
                        price.input = expect_rate(source, value, dotted);
                    } else if (field.str() == "output") {
                        price.output = expect_rate(source, value, dotted);
                    } else if (field.str() == "cached_input") {
                        price.cached_input = expect_rate(source, value, dotted);
                    } else if (field.str() == "cache_write") {
                        price.cache_write = expect_rate(source, value, dotted);
                    } else {
                        fail_unknown(source, field, value, dotted);
                    }
                }
                table.set(std::string(provider.str()), std::string(model.str()), price);
            }
        }
    }
}

} // namespace detail

const PriceTable& PriceTable::builtin() {
    static const PriceTable table = [] {
        PriceTable built;
        detail::merge_prices(built, detail::builtin_data(), "data/models.toml");
        return built;
    }();
    return table;
}

void PriceTable::merge_toml(std::string_view text, const std::string& source) {
    detail::merge_prices(*this, detail::parse_toml(text, source), source);
}

void PriceTable::set(const std::string& provider, const std::string& model, const Price& price) {
    m_prices[provider][model] = price;
}

void PriceTable::set_default_model(const std::string& provider, const std::string& model) {
    m_defaults[provider] = model;
}

std::optional<Price> PriceTable::find(std::string_view provider, std::string_view model) const {
    const auto models = m_prices.find(provider);
    if (models == m_prices.end()) {
        return std::nullopt;
    }
    const auto price = models->second.find(model);
    if (price == models->second.end()) {
        return std::nullopt;
    }
    return price->second;
}

std::optional<std::string> PriceTable::default_model(std::string_view provider) const {
    const auto found = m_defaults.find(provider);
    if (found == m_defaults.end()) {
        return std::nullopt;
    }
    return found->second;
}

double PriceTable::cost(std::string_view provider, std::string_view model,
                        std::int64_t input_tokens, std::int64_t output_tokens,
                        std::int64_t cached_tokens, std::int64_t cache_write_tokens) const {
    const std::optional<Price> price = find(provider, model);
    if (!price) {
        return 0.0;
    }
    const auto count = [](std::int64_t tokens) {
        return static_cast<double>(std::max<std::int64_t>(tokens, 0));
    };
    const double cached = count(cached_tokens);
    const double written = count(cache_write_tokens);
    const double uncached = std::max(count(input_tokens) - cached - written, 0.0);
    const double cached_rate = price->cached_input > 0 ? price->cached_input : price->input;
    const double write_rate = price->cache_write > 0 ? price->cache_write : price->input;
    return (uncached * price->input + cached * cached_rate + written * write_rate +
            count(output_tokens) * price->output) /
           k_per_million;
}

} // namespace roundtable::config
