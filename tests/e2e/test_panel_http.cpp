// End to end over real HTTP: the roundtable binary runs a four-seat panel
// (anthropic, openai, gemini, xai) against the loopback fake provider server,
// configured with a base_url per seat and sentinel keys in the environment.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;

namespace {

const std::string k_article = "examples/bearish-truck-recall.txt";

// Sentinel keys: obvious fakes that must never appear in any output or file.
const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

RunResult run_panel(const FakePanel& fake, TempDir& dir, std::vector<std::string> extra = {},
                    const std::string& format = "json") {
    RunSpec spec;
    auto cfg = dir.write("config.toml", fake.config());
    spec.args = {source_path(k_article), "--config", cfg.string(), "--format", format};
    spec.args.insert(spec.args.end(), extra.begin(), extra.end());
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(60);
    return run_binary(spec);
}

void check_no_keys(const std::string& text) {
    for (const auto& [name, key] : k_keys) {
        INFO(name);
        CHECK(text.find(key) == std::string::npos);
    }
}

void check_no_keys_in_dir(const std::filesystem::path& dir) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file()) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::ostringstream s;
            s << in.rdbuf();
            INFO(entry.path());
            check_no_keys(s.str());
        }
    }
}

} // namespace

TEST_CASE("e2e::four real providers against the fake server") {
    FakePanel fake;
    TempDir dir;

    SECTION("a full card from four protocols") {
        auto r = run_panel(fake, dir);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        json card = json::parse(r.out);
        CHECK(card.at("offline") == false);
        REQUIRE(card.at("takes").size() == 4);
        REQUIRE(card.at("rebuttals").size() == 4);
        CHECK(card.at("consensus").at("stance") == "bearish");
        CHECK(card.at("consensus").at("vote") == "3-1");
        CHECK(card.at("consensus").at("risk") == "Cash burn could breach loan covenants.");
        CHECK(card.at("usage").at("calls") == 9);
        CHECK(card.at("usage").at("input_tokens").get<long>() > 0);
        CHECK(card.at("usage").at("cost_usd").get<double>() > 0.0);
        for (const auto& seat : card.at("seats")) {
            CHECK(seat.at("status") == "ok");
        }
        // Every seat got byte-identical round-1 prompt text: the fenced article appears whole in
        // each protocol's request.
        auto requests = fake.server.requests();
        CHECK(requests.size() == 9);
        for (const auto& req : requests) {
            CHECK(req.body.find("Corvane Motors said on Tuesday") != std::string::npos);
        }
        // The keys went where each protocol wants them, and nowhere else.
        bool saw_anthropic = false, saw_gemini = false;
        for (const auto& req : requests) {
            if (req.path == "/v1/messages") {
                saw_anthropic = true;
                CHECK(req.header("x-api-key") == k_keys.at("ANTHROPIC_API_KEY"));
                CHECK(req.header("anthropic-version") == "2023-06-01");
            } else if (req.path.find(":generateContent") != std::string::npos) {
                saw_gemini = true;
                CHECK(req.header("x-goog-api-key") == k_keys.at("GEMINI_API_KEY"));
            } else if (req.path == "/xai/v1/chat/completions") {
                CHECK(req.header("authorization") == "Bearer " + k_keys.at("XAI_API_KEY"));
            } else {
                CHECK(req.header("authorization") == "Bearer " + k_keys.at("OPENAI_API_KEY"));
            }
            CHECK(req.header("user-agent").rfind("roundtable/", 0) == 0);
        }
        CHECK(saw_anthropic);
        CHECK(saw_gemini);
        check_no_keys(r.out);
        check_no_keys(r.err);
        check_no_keys_in_dir(dir.path());
    }

    SECTION("one seat always failing gives a three-seat card with that seat marked failed") {
        fake.server.set_handler(
            "/v1beta/models/gemini-2.5-pro:generateContent", [](const RecordedRequest&) {
                return json_reply(500,
                                  gemini_error(500, "INTERNAL", "An internal error has occurred."));
            });
        auto r = run_panel(fake, dir);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        json card = json::parse(r.out);
        CHECK(card.at("takes").size() == 3);
        auto gemini = card.at("seats").at(2);
        CHECK(gemini.at("seat") == "gemini");
        CHECK(gemini.at("status") == "failed");
        CHECK(gemini.at("error").get<std::string>().find("500") != std::string::npos);
        check_no_keys(r.out);
        check_no_keys(r.err);
    }

    SECTION("two seats failing is below quorum: exit 3, nothing on stdout") {
        fake.server.set_handler(
            "/v1beta/models/gemini-2.5-pro:generateContent", [](const RecordedRequest&) {
                return json_reply(400,
                                  gemini_error(400, "INVALID_ARGUMENT",
                                               "API key not valid. Please pass a valid API key."));
            });
        fake.server.set_handler("/v1/chat/completions", [](const RecordedRequest&) {
            return json_reply(401,
                              openai_error("Incorrect API key provided: SENTINEL-OPENAI-KEY-0002.",
                                           "invalid_request_error", "invalid_api_key"));
        });
        auto r = run_panel(fake, dir);
        CHECK(r.exit_code == 3);
        CHECK(r.out.empty());
        CHECK(r.err.find("only 2 of 4 seats answered (quorum 3)") != std::string::npos);
        CHECK(r.err.find("GEMINI_API_KEY") != std::string::npos);
        // A bad key is not retried: one request each.
        int gemini_calls = 0;
        for (const auto& req : fake.server.requests()) {
            gemini_calls += req.path.find(":generateContent") != std::string::npos ? 1 : 0;
        }
        CHECK(gemini_calls == 1);
        check_no_keys(r.out);
        check_no_keys(r.err);
    }

    SECTION("a planted invented figure and quote land in exactly that seat's ungrounded list") {
        fake.server.set_handler("/v1/chat/completions", [](const RecordedRequest& r) {
            auto round = round_of(r.body);
            std::string body = object_for(round, "bearish", "grok");
            if (round == RoundKind::take) {
                json o = json::parse(body);
                o["analysis"] =
                    "Revenue fell 18% and the recall will cost $41 million, a \"record-breaking "
                    "collapse of the brand\" as one trader put it.";
                body = o.dump();
            }
            return json_reply(200, openai_text_reply(body));
        });
        auto r = run_panel(fake, dir, {"--max-ungrounded", "0"});
        INFO(r.err);
        CHECK(r.exit_code == 1); // the policy matched, and the card was still printed whole
        json card = json::parse(r.out);
        for (const auto& take : card.at("takes")) {
            std::vector<std::string> ungrounded = take.at("ungrounded");
            CHECK(take.at("claims_checked").get<int>() >= 4); // figures and the evidence quote
            if (take.at("seat") == "gpt") {
                CHECK(ungrounded.size() == 2);
                CHECK(std::find(ungrounded.begin(), ungrounded.end(), "$41 million") !=
                      ungrounded.end());
                CHECK(std::any_of(ungrounded.begin(), ungrounded.end(), [](const std::string& u) {
                    return u.find("record-breaking collapse of the brand") != std::string::npos;
                }));
            } else {
                INFO(take.at("seat"));
                CHECK(ungrounded.empty());
            }
        }
        for (const auto& reb : card.at("rebuttals")) {
            CHECK(reb.at("ungrounded").empty());
        }
        CHECK(card.at("consensus").at("ungrounded").empty());
        CHECK(r.err.find("2 ungrounded claims, over --max-ungrounded 0") != std::string::npos);
        auto text = run_panel(fake, dir, {}, "text");
        INFO(text.out);
        CHECK(text.exit_code == 0);
        auto guards = text.out.find("GUARDS");
        REQUIRE(guards != std::string::npos);
        CHECK(text.out.find("$41 million", guards) != std::string::npos); // listed against the seat
    }

    SECTION("an invalid reply is repaired once: the card is whole and usage counts both calls") {
        fake.server.enqueue(
            "/v1/chat/completions",
            json_reply(200, openai_text_reply("Here is my analysis. {\"stance\": \"sideways\", "
                                              "\"confidence\": 0.5} Hope this helps!")));
        auto r = run_panel(fake, dir);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        json card = json::parse(r.out);
        CHECK(card.at("usage").at("calls") == 10);
        CHECK(card.at("seats").at(1).at("status") == "ok");
        int gpt_takes = 0;
        for (const auto& req : fake.server.requests()) {
            if (req.path == "/v1/chat/completions" && round_of(req.body) == RoundKind::take) {
                ++gpt_takes;
                if (gpt_takes == 2) {
                    CHECK(req.body.find("sideways") !=
                          std::string::npos); // the error is quoted back
                }
            }
        }
        CHECK(gpt_takes == 2);
    }

    SECTION("--dry-run redacts the keys") {
        auto r = run_panel(fake, dir, {"--dry-run"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("x-api-key") != std::string::npos);
        check_no_keys(r.out);
        check_no_keys(r.err);
        CHECK(fake.server.requests().empty());
    }

    SECTION("providers lists seats and whether keys are set, never the keys") {
        RunSpec spec;
        auto cfg = dir.write("config.toml", fake.config());
        spec.args = {"providers", "--config", cfg.string()};
        spec.env = k_keys;
        spec.env.erase("XAI_API_KEY");
        auto ok = run_binary(spec);
        INFO(ok.err);
        REQUIRE(ok.exit_code == 0);
        CHECK(ok.out.find("ANTHROPIC_API_KEY set") != std::string::npos);
        CHECK(ok.out.find("XAI_API_KEY missing") != std::string::npos);
        CHECK(ok.out.find(fake.server.base_url()) != std::string::npos);
        check_no_keys(ok.out);
        CHECK(fake.server.requests().empty());
        // providers --check is tested against the reasoning fake (test_reasoning_models.cpp),
        // which also answers the model endpoints.
    }
}

TEST_CASE("e2e::Ctrl-C aborts in-flight calls, exits 130 and writes nothing") {
    FakePanel fake(std::chrono::seconds(30));
    TempDir dir;
    RunSpec spec;
    auto cfg = dir.write("config.toml", fake.config());
    auto out = dir.path() / "card.json";
    spec.args = {
        source_path(k_article), "--config", cfg.string(), "--format", "json", "-o", out.string()};
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    // Interrupt once round 1 is in flight at the server.
    spec.interrupt_when = [&fake] { return fake.server.requests().size() >= 4; };
    auto start = std::chrono::steady_clock::now();
    auto r = run_binary(spec);
    auto elapsed = std::chrono::steady_clock::now() - start;
    INFO(r.err);
    CHECK(r.exit_code == 130);
    CHECK(r.out.empty());
    CHECK(r.err.find("interrupted") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK(elapsed < std::chrono::seconds(15)); // far less than the 30 s each call would take
    CHECK(fake.server.requests().size() == 4); // round 1 was in flight, nothing after it
}

TEST_CASE("e2e::URL input is fetched with the same client") {
    FakeServer server;
    std::string page =
        "<!doctype html><html><head><title>Helionyx beats forecasts</title></head><body>"
        "<nav>Home | Markets</nav><article><p>Helionyx Energy reported record quarterly "
        "revenue of $2.8 billion on Thursday, up 41% from a year earlier.</p><p>Profit more "
        "than doubled to $486 million, beating expectations.</p></article></body></html>";
    Scripted html;
    html.body = page;
    html.content_type = "text/html; charset=utf-8";
    server.set_default("/story.html", html);
    Scripted moved;
    moved.status = 301;
    moved.headers = {{"Location", server.base_url() + "/story.html"}};
    moved.content_type = "text/plain";
    server.set_default("/old-story", moved);
    Scripted big = html;
    big.body = std::string(300000, 'x');
    server.set_default("/huge.html", big);

    auto run_url = [](const std::string& url, std::vector<std::string> extra = {}) {
        RunSpec spec;
        spec.args = {url, "--format", "json"};
        spec.args.insert(spec.args.end(), extra.begin(), extra.end());
        return run_binary(spec);
    };
    SECTION("a page becomes an article with its title, and its URL is the source") {
        auto r = run_url(server.base_url() + "/story.html");
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        json card = json::parse(r.out);
        CHECK(card.at("article").at("title") == "Helionyx beats forecasts");
        CHECK(card.at("article").at("source") == server.base_url() + "/story.html");
        CHECK(r.out.find("Home | Markets") == std::string::npos);
        auto requests = server.requests();
        REQUIRE(requests.size() == 1);
        CHECK(requests[0].method == "GET");
        CHECK(requests[0].header("user-agent").rfind("roundtable/", 0) == 0);
    }
    SECTION("a redirect is followed") {
        auto r = run_url(server.base_url() + "/old-story");
        INFO(r.err);
        CHECK(r.exit_code == 0);
    }
    SECTION("an HTTP error exits 2 naming the status") {
        auto r = run_url(server.base_url() + "/missing");
        CHECK(r.exit_code == 2);
        CHECK(r.err == "roundtable: error: " + server.base_url() + "/missing: HTTP 404\n");
    }
    SECTION("a page over the size limit exits 2 naming the flag") {
        auto r = run_url(server.base_url() + "/huge.html", {"--max-bytes", "100000"});
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--max-bytes") != std::string::npos);
    }
    SECTION("nothing listening exits 2") {
        auto r = run_url("http://127.0.0.1:1/story");
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind("roundtable: error: http://127.0.0.1:1/story: ", 0) == 0);
    }
}

TEST_CASE("e2e::without a loadable libcurl, network use fails in one line") {
    // ROUNDTABLE_LIBCURL names the library to load instead of libcurl.so.4.
    const std::string missing = "/nonexistent/libcurl.so.4";
    SECTION("a URL input exits 2") {
        RunSpec spec;
        spec.args = {"http://127.0.0.1:1/story"};
        spec.env = {{"ROUNDTABLE_LIBCURL", missing}};
        auto r = run_binary(spec);
        CHECK(r.exit_code == 2);
        CHECK(r.err.rfind("roundtable: error: http://127.0.0.1:1/story: cannot load libcurl (",
                          0) == 0);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    SECTION("a provider seat is a configuration error: exit 4 naming the seat") {
        FakePanel fake;
        TempDir dir;
        RunSpec spec;
        auto cfg = dir.write("config.toml", fake.config());
        spec.args = {source_path(k_article), "--config", cfg.string()};
        spec.env = k_keys;
        spec.env["ROUNDTABLE_LIBCURL"] = missing;
        spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
        auto r = run_binary(spec);
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("roundtable: error: seat '") != std::string::npos);
        CHECK(r.err.find("cannot load libcurl (") != std::string::npos);
        CHECK(r.err.find("install the libcurl4 package") != std::string::npos);
        CHECK(r.out.empty());
        CHECK(fake.server.requests().empty());
    }
    SECTION("an offline card does not need it") {
        RunSpec spec;
        spec.args = {source_path(k_article), "--format", "json"};
        spec.env = {{"ROUNDTABLE_LIBCURL", missing}};
        auto r = run_binary(spec);
        CHECK(r.exit_code == 0);
        CHECK_FALSE(r.out.empty());
    }
}
