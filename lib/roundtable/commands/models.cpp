#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/commands/models.hpp>
#include <roundtable/config/config.hpp>
#include <roundtable/util/error.hpp>
#include <tuple>
#include <vector>

namespace roundtable::commands {

namespace {

using providers::Effort;
using providers::ReasoningControl;

std::string rate(double usd) {
    return usd > 0 ? fmt::format("{:.2f}", usd) : std::string("-");
}

// Returns a token count as "1M", "1.05M", "128K", "32.8K"; "-" when unknown.
std::string tokens(std::int64_t count) {
    if (count <= 0) {
        return "-";
    }
    if (count >= 1'000'000) {
        return fmt::format("{:g}M", std::round(static_cast<double>(count) / 1e4) / 100.0);
    }
    if (count >= 1000) {
        return fmt::format("{:g}K", std::round(static_cast<double>(count) / 100.0) / 10.0);
    }
    return fmt::format("{}", count);
}

// Returns how the model reasons, e.g. "default, effort low|medium|high" or "always, budget".
std::string reasoning_text(const providers::ModelTraits& traits) {
    std::string text(providers::reasoning_name(traits.reasoning));
    if (traits.control != ReasoningControl::none) {
        text += fmt::format(", {} {}", providers::control_name(traits.control),
                            fmt::join(traits.effort_values, "|"));
    }
    return text;
}

nlohmann::ordered_json entry_json(const config::ModelEntry& entry, bool is_default) {
    const providers::ModelTraits& traits = entry.traits;
    const config::Price& price = entry.price;
    nlohmann::ordered_json efforts = nlohmann::ordered_json::object();
    if (traits.control != ReasoningControl::none) {
        for (const Effort effort : {Effort::low, Effort::medium, Effort::high}) {
            efforts[std::string(providers::effort_name(effort))] = traits.value_for(effort);
        }
    }
    nlohmann::ordered_json j = {
        {"provider", entry.provider},
        {"id", entry.id},
        {"default", is_default},
        {"status", entry.legacy ? "legacy" : "current"},
        {"price",
         {{"input", price.input},
          {"output", price.output},
          {"cached_input", price.cached_input},
          {"cache_write", price.cache_write},
          {"batch_discount", price.batch_discount}}},
        {"context", traits.context},
        {"max_output", traits.max_output},
        {"reasoning", providers::reasoning_name(traits.reasoning)},
        {"control", providers::control_name(traits.control)},
        {"efforts", efforts},
        {"default_effort",
         traits.control == ReasoningControl::none
             ? nlohmann::ordered_json(nullptr)
             : nlohmann::ordered_json(providers::effort_name(traits.default_effort))},
        {"structured_output", providers::structured_name(traits.structured)},
        {"sampling", traits.sampling},
        {"source", entry.source},
        {"note", entry.note}};
    if (price.long_context > 0) {
        j["price"]["long_context"] = price.long_context;
        j["price"]["long_input"] = price.long_input;
        j["price"]["long_output"] = price.long_output;
    }
    return j;
}

} // namespace

int run_models(const ModelsOptions& options, std::ostream& out) {
    if (options.format != "text" && options.format != "json") {
        throw Error(Exit::usage,
                    fmt::format("unknown format '{}' (expected text or json)", options.format));
    }
    config::Overrides overrides;
    overrides.config_path = options.config_path;
    overrides.require_keys = false;
    overrides.offline = true; // only the catalogue is wanted: no seat needs a key
    const config::PanelConfig config = config::load(overrides);
    const config::Catalogue& catalogue = config.catalogue;

    std::vector<const config::ModelEntry*> entries;
    for (const config::ModelEntry* entry : catalogue.entries()) {
        if (options.provider.empty() || entry->provider == options.provider) {
            entries.push_back(entry);
        }
    }
    if (entries.empty() && !options.provider.empty()) {
        throw Error(Exit::usage,
                    fmt::format("no models for provider '{}' (anthropic, openai, gemini, xai, "
                                "openai-compatible)",
                                options.provider));
    }
    const auto is_default = [&](const config::ModelEntry& entry) {
        return catalogue.default_model(entry.provider) == entry.id;
    };
    // Per provider (in the catalogue's order): the default, then current models, then legacy
    // ones, each by id.
    std::map<std::string, std::size_t> provider_rank;
    for (const config::ModelEntry* entry : entries) {
        provider_rank.emplace(entry->provider, provider_rank.size());
    }
    const auto key = [&](const config::ModelEntry* e) {
        return std::make_tuple(provider_rank.at(e->provider),
                               is_default(*e) ? 0 : (e->legacy ? 2 : 1), e->id);
    };
    std::sort(
        entries.begin(), entries.end(),
        [&](const config::ModelEntry* a, const config::ModelEntry* b) { return key(a) < key(b); });

    if (options.format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const config::ModelEntry* entry : entries) {
            list.push_back(entry_json(*entry, is_default(*entry)));
        }
        nlohmann::ordered_json reasoning = nlohmann::ordered_json::object();
        for (const Effort effort : {Effort::low, Effort::medium, Effort::high}) {
            reasoning[std::string(providers::effort_name(effort))] = {
                {"tokens", catalogue.reasoning(effort).tokens},
                {"timeout_s", catalogue.reasoning(effort).timeout_s}};
        }
        nlohmann::ordered_json top = {
            {"schema", "roundtable.models/v1"},
            {"default_effort", providers::effort_name(catalogue.default_effort())},
            {"reasoning", reasoning},
            {"models", list}};
        out << top.dump(2) << '\n';
        return 0;
    }

    out << fmt::format("{:<2}{:<10} {:<28} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}  {}\n", "",
                       "PROVIDER", "MODEL", "IN", "OUT", "CACHED", "BATCH", "CONTEXT", "MAX OUT",
                       "REASONING (DEFAULT EFFORT)");
    std::map<std::string, int> source_numbers;
    std::vector<std::string> sources;
    for (const config::ModelEntry* entry : entries) {
        const config::Price& price = entry->price;
        std::string reasoning = reasoning_text(entry->traits);
        if (entry->traits.control != ReasoningControl::none) {
            reasoning += fmt::format(" ({})", providers::effort_name(entry->traits.default_effort));
        }
        std::string marks;
        if (!entry->source.empty()) {
            auto [it, added] = source_numbers.emplace(entry->source, sources.size() + 1);
            if (added) {
                sources.push_back(entry->source);
            }
            marks += fmt::format(" [{}]", it->second);
        }
        if (entry->legacy) {
            marks += " legacy";
        }
        out << fmt::format(
            "{:<2}{:<10} {:<28} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7}  {}{}\n",
            is_default(*entry) ? "*" : "", entry->provider, entry->id, rate(price.input),
            rate(price.output), rate(price.cached_input),
            price.batch_discount > 0 ? fmt::format("-{:.0f}%", price.batch_discount * 100) : "-",
            tokens(entry->traits.context), tokens(entry->traits.max_output), reasoning, marks);
    }
    out << fmt::format(
        "\n* default model of its provider. Prices in USD per million tokens (IN, OUT, CACHED "
        "input reads); BATCH is the discount of the provider's batch API.\nEffort: seats think "
        "at '{}' unless effort = \"...\" or --effort says otherwise; allowance {} / {} / {} "
        "reasoning tokens at low / medium / high.\n",
        providers::effort_name(catalogue.default_effort()), catalogue.reasoning(Effort::low).tokens,
        catalogue.reasoning(Effort::medium).tokens, catalogue.reasoning(Effort::high).tokens);
    if (!sources.empty()) {
        out << "\nSources:\n";
        for (std::size_t i = 0; i < sources.size(); ++i) {
            out << fmt::format("[{}] {}\n", i + 1, sources[i]);
        }
    }
    return 0;
}

} // namespace roundtable::commands
