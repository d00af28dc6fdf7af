// No request roundtable builds is one a model refuses: every model of the
// catalogue, at every effort, in every round, with and without a configured
// temperature, is built by its codec and answered by the fake provider server's
// model knowledge (tests/fake/fake_models.hpp, written from the providers' docs
// apart from the catalogue), which answers 400 to what the real provider refuses.
#include <catch2/catch.hpp>
#include <fake/fake_models.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/config/catalogue.hpp>
#include <roundtable/guard/schema.hpp>
#include <roundtable/providers/budget.hpp>
#include <roundtable/providers/codec.hpp>
#include <string>
#include <support/codec_fixtures.hpp>

using namespace roundtable;
using namespace roundtable::providers;
using nlohmann::json;

namespace {

// Turns a built HTTP request into what the fake server records of it.
testing::RecordedRequest as_recorded(const http::Request& built) {
    testing::RecordedRequest r;
    r.method = built.method;
    const auto scheme = built.url.find("://");
    const auto path = built.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    r.path = path == std::string::npos ? "/" : built.url.substr(path);
    for (const auto& [name, value] : built.headers) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        r.headers.emplace_back(lower, value);
    }
    r.body = built.body;
    return r;
}

// The seat config loads from the catalogue for `entry` at `effort`.
SeatConfig seat_for(const config::ModelEntry& entry, Effort effort) {
    SeatConfig seat = testing::codec_seat("seat", entry.provider, entry.id, "KEY");
    seat.traits = entry.traits;
    seat.effort = effort;
    seat.base_url = entry.provider == "openai" ? "http://fake/v1"
                    : entry.provider == "xai"  ? "http://fake/xai/v1"
                                               : "http://fake";
    const config::Catalogue& catalogue = config::Catalogue::builtin();
    for (const Effort e : {Effort::low, Effort::medium, Effort::high}) {
        seat.reasoning_tokens[static_cast<std::size_t>(e)] = catalogue.reasoning(e).tokens;
    }
    return seat;
}

} // namespace

TEST_CASE("model_requests::no refused combination is ever sent") {
    testing::FakeProviders fake([](const std::string&, const testing::RecordedRequest&) {
        return std::string(R"({"summary": "ok", "risk": "none", "opportunity": "none"})");
    });
    const config::Catalogue& catalogue = config::Catalogue::builtin();
    int built = 0;
    for (const config::ModelEntry* entry : catalogue.entries()) {
        if (entry->provider == "openai-compatible") {
            continue;
        }
        INFO(entry->provider << " " << entry->id);
        REQUIRE(testing::find_fake_model(entry->provider, entry->id) != nullptr);
        const auto codec = make_codec(entry->provider);
        for (const Effort effort : {Effort::low, Effort::medium, Effort::high}) {
            for (const guard::Round round :
                 {guard::Round::take, guard::Round::rebuttal, guard::Round::consensus}) {
                for (const bool temperature : {false, true}) {
                    INFO("effort " << effort_name(effort) << ", round " << guard::round_name(round)
                                   << ", temperature " << temperature);
                    SeatConfig seat = seat_for(*entry, effort);
                    if (temperature) {
                        seat.temperature = 0.3;
                    }
                    Request request = testing::codec_request(
                        "Read the article.", std::string(guard::round_name(round)),
                        std::string(guard::round_schema(round)), 0);
                    request.round = round;
                    request.effort = effort;
                    request.temperature = seat.temperature;
                    request.max_tokens = output_budget(seat, round, effort);
                    const http::Request http = codec->build(request, seat, "key");
                    const auto reply = fake.serve(as_recorded(http));
                    REQUIRE(reply.has_value());
                    INFO(http.body);
                    CHECK(reply->status == 200);
                    ++built;
                }
            }
        }
    }
    CHECK(built >= 30 * 18);
    CHECK(fake.refusals().empty());
}

TEST_CASE("model_requests::what each provider is sent") {
    const config::Catalogue& catalogue = config::Catalogue::builtin();
    auto body_of = [&](const std::string& provider, const std::string& model, Effort effort,
                       std::optional<double> temperature = std::nullopt) {
        const config::ModelEntry* entry = catalogue.find(provider, model);
        REQUIRE(entry != nullptr);
        SeatConfig seat = seat_for(*entry, effort);
        seat.temperature = temperature;
        Request request = testing::codec_request(
            "Read.", "take", std::string(guard::round_schema(guard::Round::take)), 0);
        request.effort = effort;
        request.temperature = temperature;
        request.max_tokens = output_budget(seat, guard::Round::take, effort);
        return json::parse(make_codec(provider)->build(request, seat, "key").body);
    };

    SECTION("Claude 5: adaptive thinking, effort, JSON-schema output without bounds; no tool, "
            "no temperature") {
        const json body = body_of("anthropic", "claude-sonnet-5-5", Effort::low, 0.2);
        CHECK(body.at("thinking") == json{{"type", "adaptive"}});
        CHECK(body.at("output_config").at("effort") == "low");
        const json& schema = body.at("output_config").at("format").at("schema");
        CHECK(body.at("output_config").at("format").at("type") == "json_schema");
        CHECK_FALSE(schema.at("properties").at("confidence").contains("minimum"));
        CHECK(schema.at("required").size() == 6);
        CHECK_FALSE(body.contains("tools"));
        CHECK_FALSE(body.contains("tool_choice"));
        CHECK_FALSE(body.contains("temperature"));
        CHECK(body.at("max_tokens") == 4096 + guard::answer_tokens(guard::Round::take));
    }
    SECTION("Haiku 4.5: no thinking at low (temperature allowed), a budget at medium (none)") {
        const json low = body_of("anthropic", "claude-haiku-4-5", Effort::low, 0.2);
        CHECK_FALSE(low.contains("thinking"));
        CHECK(low.at("temperature") == 0.2);
        CHECK(low.at("max_tokens") == guard::answer_tokens(guard::Round::take));
        const json medium = body_of("anthropic", "claude-haiku-4-5", Effort::medium, 0.2);
        CHECK(medium.at("thinking") == json{{"type", "enabled"}, {"budget_tokens", 4096}});
        CHECK_FALSE(medium.contains("temperature"));
        CHECK(medium.at("max_tokens") == 4096 + guard::answer_tokens(guard::Round::take));
    }
    SECTION("OpenAI: max_completion_tokens and reasoning_effort only") {
        const json body = body_of("openai", "gpt-6.2-sol", Effort::high, 0.2);
        CHECK(body.at("reasoning_effort") == "high");
        CHECK(body.at("max_completion_tokens") == 32768 + guard::answer_tokens(guard::Round::take));
        CHECK_FALSE(body.contains("max_tokens"));
        CHECK_FALSE(body.contains("temperature"));
        CHECK(body.at("response_format").at("json_schema").at("strict") == true);
    }
    SECTION("xAI: reasoning_effort where the model takes it, never to grok-4") {
        CHECK(body_of("xai", "grok-4.7", Effort::medium).at("reasoning_effort") == "medium");
        const json old = body_of("xai", "grok-4", Effort::medium);
        CHECK_FALSE(old.contains("reasoning_effort"));
        CHECK(old.at("max_completion_tokens") == 16384 + guard::answer_tokens(guard::Round::take));
    }
    SECTION("Gemini: a thinkingLevel on Gemini 3 and 4, a thinkingBudget on 2.5, never both") {
        const json neon = body_of("gemini", "gemini-4-neon", Effort::medium);
        const json& config = neon.at("generationConfig");
        CHECK(config.at("thinkingConfig") == json{{"thinkingLevel", "medium"}});
        CHECK(config.at("maxOutputTokens") == 16384 + guard::answer_tokens(guard::Round::take));
        CHECK(config.at("responseMimeType") == "application/json");
        // Gemini 4 returns at most 32,768 tokens to a non-streaming call: high is capped there.
        CHECK(body_of("gemini", "gemini-4-neon", Effort::high)
                  .at("generationConfig")
                  .at("maxOutputTokens") == 32768);
        // 3.1 Pro has low and high only: medium is sent as high.
        CHECK(body_of("gemini", "gemini-3.1-pro-preview", Effort::medium)
                  .at("generationConfig")
                  .at("thinkingConfig") == json{{"thinkingLevel", "high"}});
        const json pro = body_of("gemini", "gemini-2.5-pro", Effort::medium);
        CHECK(pro.at("generationConfig").at("thinkingConfig") == json{{"thinkingBudget", 8192}});
        CHECK(pro.at("generationConfig").at("maxOutputTokens") ==
              8192 + guard::answer_tokens(guard::Round::take));
        const json flash = body_of("gemini", "gemini-2.5-flash", Effort::low);
        CHECK(flash.at("generationConfig").at("thinkingConfig") == json{{"thinkingBudget", 0}});
        CHECK(flash.at("generationConfig").at("maxOutputTokens") ==
              guard::answer_tokens(guard::Round::take));
    }
}
