#include <cstdlib>
#include <fmt/format.h>
#include <future>
#include <ostream>
#include <roundtable/commands/run.hpp>
#include <roundtable/guard/schema.hpp>
#include <roundtable/providers/budget.hpp>
#include <roundtable/providers/defaults.hpp>
#include <roundtable/providers/factory.hpp>

namespace roundtable::commands {

namespace {

bool key_is_set(const providers::SeatConfig& seat) {
    const char* value = seat.api_key_env.empty() ? nullptr : std::getenv(seat.api_key_env.c_str());
    return value != nullptr && *value != '\0';
}

// One tiny call: the consensus schema with a fixed, short answer.
providers::Request check_request() {
    providers::Request request;
    request.round = guard::Round::consensus;
    request.system =
        "You are checking connectivity. Answer with the JSON object you are asked for.";
    request.user = R"(Reply with exactly {"summary": "ok", "risk": "none", "opportunity": "none"})";
    request.schema_name = "consensus";
    request.json_schema = std::string(guard::round_schema(guard::Round::consensus));
    return request;
}

} // namespace

int run_providers(const ProvidersOptions& options, std::ostream& out, std::ostream& err) {
    config::Overrides overrides = options.overrides;
    overrides.require_keys = false;
    config::PanelConfig config = config::load(overrides);
    for (const auto& notice : config.notices) {
        err << "roundtable: " << notice << '\n';
    }
    out << fmt::format("{:<10} {:<18} {:<26} {:<7} {:<42} {}\n", "SEAT", "PROVIDER", "MODEL",
                       "EFFORT", "BASE URL", "KEY");
    for (const auto& seat : config.seats) {
        std::string key =
            seat.api_key_env.empty()
                ? std::string("-")
                : fmt::format("{} {}", seat.api_key_env, key_is_set(seat) ? "set" : "missing");
        std::string base = seat.base_url.empty()
                               ? std::string(providers::default_base_url(seat.provider))
                               : seat.base_url;
        const std::string effort = seat.traits.control == providers::ReasoningControl::none
                                       ? std::string("-")
                                       : std::string(providers::effort_name(seat.effort));
        out << fmt::format("{:<10} {:<18} {:<26} {:<7} {:<42} {}{}\n", seat.name, seat.provider,
                           seat.model, effort, base.empty() ? "-" : base, key,
                           seat.name == config.chair ? "  (chair)" : "");
    }
    out << fmt::format("quorum {} of {}\n", config.quorum, config.seats.size());
    if (!options.check) {
        return 0;
    }

    // --check: one tiny call per seat, all at once.
    out << "\nCHECK\n";
    std::vector<std::future<std::string>> checks;
    for (const auto& seat : config.seats) {
        checks.push_back(std::async(std::launch::async, [seat]() -> std::string {
            if (!seat.api_key_env.empty() && !key_is_set(seat) &&
                seat.provider != "openai-compatible") {
                return fmt::format("{:<10} skipped: {} is not set", seat.name, seat.api_key_env);
            }
            try {
                auto provider = providers::make_provider(seat);
                auto found = provider->check_model();
                if (!found) {
                    return fmt::format("{:<10} failed: {}", seat.name, found.error().describe());
                }
                // The smallest effort the model has, and its budget: enough to think and answer.
                providers::Request request = check_request();
                request.effort = providers::Effort::low;
                request.max_tokens = providers::output_budget(seat, request.round, request.effort);
                auto reply = provider->complete(request);
                if (!reply) {
                    return fmt::format("{:<10} failed: {} ({})", seat.name,
                                       reply.error().describe(), *found);
                }
                return fmt::format("{:<10} ok  {} ms  model {}  {}", seat.name,
                                   reply->latency.count(),
                                   reply->model.empty() ? seat.model : reply->model, *found);
            } catch (const std::exception& e) {
                return fmt::format("{:<10} failed: {}", seat.name, e.what());
            }
        }));
    }
    int failed = 0;
    for (auto& check : checks) {
        std::string line = check.get();
        failed += line.find(" failed: ") != std::string::npos ? 1 : 0;
        out << line << '\n';
    }
    return failed == 0 ? 0 : static_cast<int>(Exit::quorum);
}

} // namespace roundtable::commands
