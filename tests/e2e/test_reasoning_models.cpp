// End to end against the fake server in its reasoning mode (fake_models.hpp):
// today's models think out of the output budget, refuse what the real ones
// refuse (and say so with a 400 the test would see), cut a reply whose budget
// ran out, and bill what they produced.
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <roundtable/config/catalogue.hpp>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;

namespace {

const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

RunResult run(TempDir& dir, const std::string& config, std::vector<std::string> args) {
    RunSpec spec;
    const auto path = dir.write("config.toml", config);
    spec.args = std::move(args);
    spec.args.insert(spec.args.end(), {"--config", path.string()});
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(60);
    return run_binary(spec);
}

RunResult card(TempDir& dir, const std::string& config, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{source_path("examples/bearish-truck-recall.txt"), "--format",
                                  "json", "--no-cache"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(dir, config, std::move(args));
}

const json& seat_of(const json& card, const std::string& name) {
    for (const json& seat : card.at("seats")) {
        if (seat.at("seat") == name) {
            return seat;
        }
    }
    FAIL("no seat " << name);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("e2e::reasoning models: the default config gives a full card, billed as the fake "
          "billed") {
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;
    const RunResult r = card(dir, fake.config_with({}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    for (const auto& refusal : fake.providers->refusals()) {
        FAIL_CHECK("refused: " << refusal);
    }
    const json c = json::parse(r.out);
    CHECK(c.at("takes").size() == 4);
    CHECK(c.at("rebuttals").size() == 4);
    CHECK(c.at("consensus").at("synthesized") == true);
    const std::map<std::string, std::string> defaults{{"claude", "claude-sonnet-5-5"},
                                                      {"gpt", "gpt-6.2-sol"},
                                                      {"gemini", "gemini-4-neon"},
                                                      {"grok", "grok-4.7"}};
    for (const auto& [seat, model] : defaults) {
        INFO(seat);
        const json& s = seat_of(c, seat);
        CHECK(s.at("status") == "ok");
        CHECK(s.at("model") == model);
        CHECK(s.at("effort") == "medium");
        CHECK(s.at("notes").empty()); // no budget retries at the defaults
    }

    // Billed usage, reasoning included, is what the fake billed.
    const Bill bill = fake.providers->bill();
    const json& usage = c.at("usage");
    CHECK(usage.at("calls") == bill.calls);
    CHECK(usage.at("input_tokens") == bill.input);
    CHECK(usage.at("output_tokens") == bill.output);
    CHECK(usage.at("reasoning_tokens") == bill.reasoning);
    CHECK(bill.reasoning > 8 * 4000); // every call thought, at medium
    // Cost at the published prices (USD per million: in / out): Claude Sonnet 5.5 2 / 10,
    // GPT-6.2 Sol 2 / 10, Gemini 4 Neon 3 / 15; Grok 4.7 (2 / 6) billed what its replies said.
    const std::map<std::string, std::pair<double, double>> prices{
        {"anthropic", {2, 10}}, {"openai", {2, 10}}, {"gemini", {3, 15}}};
    double expected = 0;
    for (const auto& [provider, price] : prices) {
        const Bill b = fake.providers->bill(provider);
        CHECK(b.ticks == 0); // only xAI states a cost
        expected += (static_cast<double>(b.input) * price.first +
                     static_cast<double>(b.output) * price.second) /
                    1e6;
    }
    const Bill grok = fake.providers->bill("xai");
    const double grok_listed =
        (static_cast<double>(grok.input) * 2 + static_cast<double>(grok.output) * 6) / 1e6;
    REQUIRE(grok.ticks > 0);
    CHECK(static_cast<double>(grok.ticks) / 1e10 == Approx(grok_listed).epsilon(1e-6));
    expected += static_cast<double>(grok.ticks) / 1e10;
    CHECK(usage.at("cost_usd").get<double>() == Approx(expected).epsilon(1e-9));

    // The text card's footer shows the reasoning tokens.
    const RunResult text = run(dir, fake.config_with({}),
                               {source_path("examples/bearish-truck-recall.txt"), "--no-cache"});
    REQUIRE(text.exit_code == 0);
    CHECK(text.out.find("(reasoning ") != std::string::npos);
}

TEST_CASE("e2e::reasoning models: each current model id gives a full card") {
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;
    const auto& catalogue = roundtable::config::Catalogue::builtin();
    const std::map<std::string, std::string> seat_of_provider{
        {"anthropic", "claude"}, {"openai", "gpt"}, {"gemini", "gemini"}, {"xai", "grok"}};
    std::map<std::string, std::vector<std::string>> current;
    for (const auto* entry : catalogue.entries()) {
        if (!entry->legacy && seat_of_provider.contains(entry->provider)) {
            current[entry->provider].push_back(entry->id);
        }
    }
    std::size_t runs = 0;
    for (const auto& [provider, ids] : current) {
        runs = std::max(runs, ids.size());
    }
    REQUIRE(runs >= 3);
    std::size_t models_tried = 0;
    for (std::size_t i = 0; i < runs; ++i) {
        std::map<std::string, std::string> models;
        for (const auto& [provider, ids] : current) {
            if (i < ids.size()) {
                models[seat_of_provider.at(provider)] = ids[i];
                ++models_tried;
            }
        }
        INFO("run " << i);
        const RunResult r = card(dir, fake.config_with(models));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const json c = json::parse(r.out);
        for (const auto& [seat, model] : models) {
            INFO(seat << " " << model);
            CHECK(seat_of(c, seat).at("status") == "ok");
            CHECK(seat_of(c, seat).at("model") == model);
        }
        CHECK(c.at("takes").size() == 4);
    }
    CHECK(models_tried >= 12);
    CHECK(fake.providers->refusals().empty());
}

TEST_CASE("e2e::reasoning models: a cut while thinking") {
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;

    SECTION("is retried once with twice the budget and recorded on the card") {
        fake.providers->set_thinking("openai", 20'000); // over medium's 16,384 + 2,048
        const RunResult r = card(dir, fake.config_with({}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const json c = json::parse(r.out);
        const json& gpt = seat_of(c, "gpt");
        CHECK(gpt.at("status") == "ok");
        REQUIRE(gpt.at("notes").size() == 2); // the take and the rebuttal
        CHECK(gpt.at("notes").at(0) ==
              "retried: the budget went to reasoning (take: max_tokens 18432 -> 36864)");
        CHECK(gpt.at("notes").at(1) ==
              "retried: the budget went to reasoning (rebuttal: max_tokens 17920 -> 35840)");
        CHECK(c.at("takes").size() == 4);
        // Both cut calls were billed, and the card counts them.
        CHECK(c.at("usage").at("calls") == 11);
        CHECK(c.at("usage").at("output_tokens") == fake.providers->bill().output);
        const RunResult text =
            run(dir, fake.config_with({}),
                {source_path("examples/bearish-truck-recall.txt"), "--no-cache"});
        CHECK(text.out.find("gpt: retried: the budget went to reasoning (take: max_tokens 18432 "
                            "-> 36864)") != std::string::npos);
    }
    SECTION("a second cut fails the seat with a clear reason; the card goes on") {
        fake.providers->set_thinking("openai", 60'000);
        const RunResult r = card(dir, fake.config_with({}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const json c = json::parse(r.out);
        const json& gpt = seat_of(c, "gpt");
        CHECK(gpt.at("status") == "failed");
        CHECK(gpt.at("error") ==
              "openai: HTTP 200 max_tokens: reply cut at max_tokens=36864: reasoning took 36864 "
              "of them, and no answer was written; cut again after one retry with a larger "
              "budget: lower this seat's effort or raise its max_tokens");
        CHECK(c.at("takes").size() == 3);
        // Exactly two take calls reached the fake for gpt: the first and one retry.
        int gpt_calls = 0;
        for (const auto& request : fake.server.requests()) {
            gpt_calls += request.path == "/v1/chat/completions" ? 1 : 0;
        }
        CHECK(gpt_calls == 2);
    }
}

TEST_CASE("e2e::reasoning models: nothing refused is sent") {
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;

    SECTION("a temperature on models that refuse it is a notice, not a 400") {
        std::string config = fake.config_with({});
        config.replace(config.find("[seats.claude]\n"), 15, "[seats.claude]\ntemperature = 0.2\n");
        const RunResult r = card(dir, config);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(r.err.find("seat 'claude': model claude-sonnet-5-5 takes no sampling parameters; "
                         "temperature 0.2 is not sent") != std::string::npos);
        CHECK(fake.providers->refusals().empty());
        for (const auto& request : fake.server.requests()) {
            CHECK(request.body.find("\"temperature\"") == std::string::npos);
        }
    }
    SECTION("older models: grok-4 gets no reasoning_effort, Gemini 2.5 a budget, Haiku 4.5 "
            "no forced tool while thinking") {
        const RunResult r = card(dir,
                                 fake.config_with({{"claude", "claude-haiku-4-5"},
                                                   {"gpt", "gpt-5"},
                                                   {"gemini", "gemini-2.5-pro"},
                                                   {"grok", "grok-4"}}),
                                 {"--effort", "high"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        for (const auto& refusal : fake.providers->refusals()) {
            FAIL_CHECK("refused: " << refusal);
        }
        CHECK(json::parse(r.out).at("takes").size() == 4);
    }
}

TEST_CASE("e2e::reasoning models: unknown model ids") {
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;

    SECTION("providers --check confirms each model with the provider's model endpoint") {
        const RunResult ok = run(dir, fake.config_with({}), {"providers", "--check"});
        INFO(ok.out << ok.err);
        CHECK(ok.exit_code == 0);
        CHECK(ok.out.find("claude     ok") != std::string::npos);
        CHECK(ok.out.find("model found, max output 128000 tokens") != std::string::npos);
        CHECK(ok.out.find("gemini     ok") != std::string::npos);
        std::size_t lookups = 0;
        for (const auto& request : fake.server.requests()) {
            lookups += request.method == "GET" ? 1 : 0;
        }
        CHECK(lookups == 4);
    }
    SECTION("providers --check with a missing model id names the seat and the id") {
        const RunResult r =
            run(dir, fake.config_with({{"gpt", "gpt-9.9-nova"}}), {"providers", "--check"});
        INFO(r.out << r.err);
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("gpt        failed: openai: HTTP 404 model_not_found: seat 'gpt': model "
                         "'gpt-9.9-nova' is not found at openai: check the id (roundtable models "
                         "lists the catalogue)") != std::string::npos);
        CHECK(r.out.find("claude     ok") != std::string::npos);
        // No completion is attempted for the seat whose model is missing.
        for (const auto& request : fake.server.requests()) {
            CHECK_FALSE((request.method == "POST" && request.path == "/v1/chat/completions"));
        }
    }
    SECTION("at run time the seat fails naming its id; the card goes on") {
        const RunResult r = card(dir, fake.config_with({}), {"--model", "gemini=gemini-9-flash"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const json c = json::parse(r.out);
        const json& gemini = seat_of(c, "gemini");
        CHECK(gemini.at("status") == "failed");
        CHECK(gemini.at("error").get<std::string>().find(
                  "seat 'gemini': model 'gemini-9-flash' is not found at gemini: check the id "
                  "(roundtable models lists the catalogue)") != std::string::npos);
        CHECK(r.err.find("model 'gemini-9-flash' is not in the catalogue") != std::string::npos);
    }
}

TEST_CASE("e2e::roundtable models") {
    TempDir dir;
    RunSpec spec;
    spec.args = {"models"};
    const RunResult text = run_binary(spec);
    REQUIRE(text.exit_code == 0);
    for (const char* line : {"* anthropic  claude-sonnet-5-5", "* openai     gpt-6.2-sol",
                             "* gemini     gemini-4-neon", "* xai        grok-4.7"}) {
        CHECK(text.out.find(line) != std::string::npos);
    }
    CHECK(text.out.find("Sources:\n[1] https://") != std::string::npos);
    CHECK(text.out.find(" legacy") != std::string::npos);

    spec.args = {"models", "--format", "json", "--provider", "xai"};
    const RunResult j = run_binary(spec);
    REQUIRE(j.exit_code == 0);
    const json models = json::parse(j.out);
    CHECK(models.at("schema") == "roundtable.models/v1");
    CHECK(models.at("default_effort") == "medium");
    REQUIRE(models.at("models").size() >= 3);
    CHECK(models.at("models").at(0).at("id") == "grok-4.7");
    CHECK(models.at("models").at(0).at("default") == true);
    for (const json& m : models.at("models")) {
        CHECK(m.at("provider") == "xai");
        CHECK_FALSE(m.at("source").get<std::string>().empty());
    }

    // A config's [models] is merged in.
    const auto config =
        dir.write("config.toml", "[models.openai.\"gpt-7-mini\"]\ninput = 0.5\n"
                                 "output = 4\n[defaults]\nopenai = \"gpt-7-mini\"\n");
    spec.args = {"models", "--config", config.string(), "--provider", "openai"};
    const RunResult merged = run_binary(spec);
    REQUIRE(merged.exit_code == 0);
    CHECK(merged.out.find("* openai     gpt-7-mini") != std::string::npos);

    spec.args = {"models", "--format", "yaml"};
    const RunResult bad = run_binary(spec);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "roundtable: error: unknown format 'yaml' (expected text or json)\n");
}

TEST_CASE("e2e::reasoning models: a fixed 2025 budget of 2,048 tokens") {
    // The first run: max_tokens = 2048 on every seat, with the old default models.
    // Reasoning spends that budget. A budget the user fixed is not raised, so the one retry
    // lowers the effort: Claude and GPT answer at low effort; Gemini 2.5 Pro (2,048 thinking
    // tokens at low) and grok-4 (no effort control) are cut and fail, saying why. Below quorum.
    FakePanel fake(std::chrono::milliseconds(0), FakeMode::reasoning);
    TempDir dir;
    std::string config = fake.config_with({{"claude", "claude-sonnet-4-6"},
                                           {"gpt", "gpt-5"},
                                           {"gemini", "gemini-2.5-pro"},
                                           {"grok", "grok-4"}});
    for (const char* seat : {"claude", "gpt", "gemini", "grok"}) {
        const std::string table = fmt::format("[seats.{}]\n", seat);
        config.replace(config.find(table), table.size(), table + "max_tokens = 2048\n");
    }
    const RunResult r = card(dir, config);
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err.find("round 1: only 2 of 4 seats answered (quorum 3); gemini: gemini: HTTP 200 "
                     "max_tokens: reply cut at max_tokens=2048: reasoning took 2048 of them, and "
                     "no answer was written (request fake-reasoning); cut again after one retry "
                     "with a larger budget") != std::string::npos);
    CHECK(r.err.find("grok: xai: HTTP 200 max_tokens: reply cut at max_tokens=2048: reasoning "
                     "took 2048 of them, and no answer was written; max_tokens is fixed for this "
                     "seat: raise it or leave it out") != std::string::npos);
    // Leaving max_tokens out (the budget follows the model and effort) gives the full card.
    const RunResult fixed = card(dir, fake.config_with({{"claude", "claude-sonnet-4-6"},
                                                        {"gpt", "gpt-5"},
                                                        {"gemini", "gemini-2.5-pro"},
                                                        {"grok", "grok-4"}}));
    INFO(fixed.err);
    REQUIRE(fixed.exit_code == 0);
    CHECK(json::parse(fixed.out).at("takes").size() == 4);
}
