// End-to-end tests of what a person at a shell sees on the way to a card, run
// against the loopback fake provider server: deadlines (--timeout bounds a seat's
// whole call, retries included) and what --dry-run prints with short keys.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <nlohmann/json.hpp>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string k_article = "examples/bearish-truck-recall.txt";

const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

RunSpec panel_spec(const FakePanel& fake, TempDir& dir, std::vector<std::string> extra) {
    RunSpec spec;
    const auto cfg = dir.write("config.toml", fake.config());
    spec.args = {source_path(k_article), "--config", cfg.string()};
    spec.args.insert(spec.args.end(), extra.begin(), extra.end());
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = 60s;
    return spec;
}

} // namespace

TEST_CASE("terminal::--timeout bounds a seat's whole call, retries included") {
    FakePanel fake;
    TempDir dir;
    Scripted stalled = json_reply(200, "{}");
    stalled.latency = 600s; // a seat that never answers
    fake.server.set_handler("/xai/v1/chat/completions",
                            [stalled](const RecordedRequest&) { return stalled; });

    // The fake config gives each seat one retry: a per-attempt limit would take 4 s a round.
    const auto started = std::chrono::steady_clock::now();
    const RunResult r =
        run_binary(panel_spec(fake, dir, {"--timeout", "2", "--format", "json", "--no-cache"}));
    const auto took = std::chrono::steady_clock::now() - started;
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(took < 5s);
    CHECK(took >= 2s);
    const json card = json::parse(r.out);
    bool grok_failed = false;
    for (const auto& seat : card.at("seats")) {
        if (seat.at("seat") == "grok") {
            grok_failed = seat.at("status") == "failed";
            CHECK(seat.at("error").get<std::string>().find("deadline") != std::string::npos);
        } else {
            CHECK(seat.at("status") == "ok");
        }
    }
    CHECK(grok_failed);
    CHECK(card.at("takes").size() == 3);
}

TEST_CASE("terminal::one-character keys leave --dry-run bodies intact") {
    FakePanel fake;
    TempDir dir;
    RunSpec long_keys = panel_spec(fake, dir, {"--dry-run"});
    RunSpec short_keys = long_keys;
    short_keys.env["ANTHROPIC_API_KEY"] = "x";
    short_keys.env["OPENAI_API_KEY"] = "a";
    short_keys.env["GEMINI_API_KEY"] = "e";
    short_keys.env["XAI_API_KEY"] = "t";

    const RunResult with_long = run_binary(long_keys);
    const RunResult with_short = run_binary(short_keys);
    REQUIRE(with_long.exit_code == 0);
    REQUIRE(with_short.exit_code == 0);
    // The keys go only in credential headers, masked whole: the rest is byte for byte the same.
    CHECK(with_short.out == with_long.out);
    CHECK(with_short.out.find("\"max_tokens\"") != std::string::npos);
    CHECK(with_short.out.find("max_<redacted>") == std::string::npos);
    std::size_t masked = 0;
    for (auto at = with_short.out.find("<redacted>"); at != std::string::npos;
         at = with_short.out.find("<redacted>", at + 1)) {
        ++masked;
    }
    CHECK(masked == 4); // x-api-key, two authorization headers, x-goog-api-key
    for (const auto& [name, key] : k_keys) {
        CHECK(with_long.out.find(key) == std::string::npos);
        CHECK(with_long.err.find(key) == std::string::npos);
    }
    // Each short key is named in a warning, once.
    for (const char* name :
         {"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "XAI_API_KEY"}) {
        INFO(name);
        CHECK(with_short.err.find(std::string("roundtable: warning: ") + name +
                                  " is 1 character long, shorter than any real API key") !=
              std::string::npos);
    }
    CHECK(with_long.err.find("shorter than any real API key") == std::string::npos);
}

namespace {

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string line = text.substr(at, end - at);
        if (line.find(needle) != std::string::npos) {
            out.push_back(line);
        }
        at = end + 1;
    }
    return out;
}

void check_no_keys(const RunResult& r) {
    for (const auto& [name, key] : k_keys) {
        INFO(name);
        CHECK(r.out.find(key) == std::string::npos);
        CHECK(r.err.find(key) == std::string::npos);
    }
}

} // namespace

TEST_CASE("terminal::--verbose prints one line per HTTP call") {
    FakePanel fake;
    TempDir dir;
    const std::string host = "127.0.0.1:" + std::to_string(fake.server.port());

    SECTION("success: seat, method, host and path, status, attempt, latency, tokens, id") {
        const RunResult r =
            run_binary(panel_spec(fake, dir, {"-v", "--format", "json", "--no-cache"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto calls = lines_with(r.err, "roundtable: http ");
        CHECK(calls.size() == 9); // four takes, four rebuttals, the chair
        const auto claude = lines_with(r.err, "roundtable: http claude POST " + host +
                                                  "/v1/messages 200 attempt 1 ");
        REQUIRE(claude.size() == 3);
        CHECK(claude[0].find(" tokens 2200/300 request req_fake_claude") != std::string::npos);
        CHECK(lines_with(r.err, "http grok POST " + host + "/xai/v1/chat/completions 200").size() ==
              2);
        CHECK(json::parse(r.out).at("usage").at("calls") == 9); // stdout holds only the card
        check_no_keys(r);
    }
    SECTION("a retry shows both attempts") {
        fake.server.enqueue("/v1/messages",
                            json_reply(503, anthropic_error("overloaded_error", "busy"),
                                       {{"retry-after", "0"}, {"request-id", "req_busy"}}));
        const RunResult r = run_binary(panel_spec(fake, dir, {"--verbose", "--no-cache"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(
            lines_with(r.err, "http claude POST " + host + "/v1/messages 503 attempt 1 ").size() ==
            1);
        CHECK(lines_with(r.err, "503 attempt 1")[0].find("request req_busy") != std::string::npos);
        CHECK(
            lines_with(r.err, "http claude POST " + host + "/v1/messages 200 attempt 2 ").size() ==
            1);
        check_no_keys(r);
    }
    SECTION("a failure shows its status, and -vv the bodies with no key") {
        fake.server.set_handler("/xai/v1/chat/completions", [](const RecordedRequest&) {
            return json_reply(400, R"({"error": {"message": "bad request", "type": "invalid"}})");
        });
        const RunResult r = run_binary(panel_spec(fake, dir, {"-vv", "--no-cache"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto grok = lines_with(r.err, "http grok POST " + host + "/xai/v1/chat/completions ");
        REQUIRE_FALSE(grok.empty());
        for (const auto& line : grok) {
            CHECK(line.find(" 400 attempt 1 ") != std::string::npos); // a 400 is not retried
        }
        CHECK(lines_with(r.err, "  < {\"error\": {\"message\": \"bad request\"").size() ==
              grok.size());
        CHECK(lines_with(r.err, "  > {").size() >= 8); // every request's body, truncated
        CHECK(lines_with(r.err, "more bytes)").size() >= 8);
        check_no_keys(r);
    }
    SECTION("nothing without -v") {
        const RunResult r = run_binary(panel_spec(fake, dir, {"--no-cache"}));
        REQUIRE(r.exit_code == 0);
        CHECK(lines_with(r.err, "roundtable: http ").empty());
    }
}
