// End to end: `roundtable batch` and `roundtable logs` run as the built binary,
// with the offline panel (no key) and with a four-protocol panel against the
// loopback fake provider server (base_url per seat, sentinel keys).
#include <algorithm>
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <fake/fake_server.hpp>
#include <fake/replies.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};
const std::vector<std::string> k_no_keys{"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY",
                                         "GOOGLE_API_KEY", "XAI_API_KEY"};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Writes `n` articles: copies of the truck-recall example, each with its own closing line.
fs::path write_corpus(TempDir& dir, int n, const std::string& folder = "corpus") {
    std::string base = slurp(source_path("examples/bearish-truck-recall.txt"));
    for (int i = 0; i < n; ++i) {
        dir.write(fmt::format("{}/story-{:02}.txt", folder, i),
                  base + fmt::format("\nFiled as story {}.\n", i));
    }
    return dir.path() / folder;
}

std::vector<json> parse_lines(const std::string& text) {
    std::vector<json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(json::parse(line));
    }
    return lines;
}

std::set<std::string> card_ids(const std::vector<json>& lines) {
    std::set<std::string> ids;
    for (const auto& l : lines) {
        if (l.contains("card")) {
            ids.insert(l.at("id").get<std::string>());
        }
    }
    return ids;
}

RunSpec fake_spec(const FakePanel& fake, TempDir& dir, std::vector<std::string> args) {
    RunSpec spec;
    auto cfg = dir.write("config.toml", fake.config());
    spec.args = {"batch"};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.args.insert(spec.args.end(), {"--config", cfg.string()});
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

RunSpec offline_spec(TempDir& dir, std::vector<std::string> args) {
    RunSpec spec;
    spec.args = {"batch"};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.unset = k_no_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.env["XDG_CONFIG_HOME"] = (dir.path() / "config").string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

json without_timing(json card) {
    card.at("usage").erase("wall_ms");
    card.at("usage").erase("cache_hits");
    return card;
}

} // namespace

TEST_CASE("e2e::batch with the offline panel") {
    TempDir dir;
    auto corpus = write_corpus(dir, 12);

    SECTION("a corpus of 12 articles gives 12 valid card lines on stdout and a summary on stderr") {
        auto r = run_binary(offline_spec(dir, {corpus.string()}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto lines = parse_lines(r.out);
        REQUIRE(lines.size() == 12);
        for (const auto& l : lines) {
            CHECK(l.at("card").at("schema") == "roundtable.card/v1");
            CHECK(l.at("card").at("offline") == true);
            CHECK(l.at("card").at("takes").size() == 4);
        }
        CHECK(card_ids(lines).count("story-00.txt") == 1);
        CHECK(r.err.find("roundtable: batch: 12 cards, 0 failed\n") != std::string::npos);
        CHECK(r.err.find("roundtable: stances: bearish 12, neutral 0, bullish 0, split 0\n") !=
              std::string::npos);
        CHECK(r.err.find("\033[K") == std::string::npos); // no progress line off a TTY
    }
    SECTION("a JSONL input: a malformed line is an error line naming file:line, the run goes on") {
        auto list = dir.write("list.jsonl",
                              fmt::format("{{\"id\":\"first\",\"path\":\"corpus/story-01.txt\"}}\n"
                                          "{{\"id\":\"second\",\"text\":\"\"}}\n"
                                          "{{\"title\":\"Given title\",\"text\":{}}}\n",
                                          json(slurp(corpus / "story-02.txt")).dump()));
        auto r = run_binary(
            offline_spec(dir, {list.string(), "--jsonl", (dir.path() / "out.jsonl").string()}));
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        auto lines = parse_lines(slurp(dir.path() / "out.jsonl"));
        REQUIRE(lines.size() == 3);
        std::map<std::string, json> by_id;
        for (auto& l : lines) {
            by_id[l.at("id")] = l;
        }
        CHECK(by_id.at("first").contains("card"));
        std::string where = list.string() + ":2";
        CHECK(by_id.at(where).at("error") == where + ": \"text\" must be a non-empty string");
        CHECK(by_id.at(where).at("exit") == 2);
        bool titled = false;
        for (auto& [id, l] : by_id) {
            if (id.starts_with("sha256:")) {
                titled = l.at("card").at("article").at("title") == "Given title";
            }
        }
        CHECK(titled);
        CHECK(r.err.find("roundtable: failures: input 1\n") != std::string::npos);
    }
    SECTION("shards 1/3, 2/3 and 3/3 partition the corpus") {
        std::multiset<std::string> all;
        for (int k = 1; k <= 3; ++k) {
            auto r =
                run_binary(offline_spec(dir, {corpus.string(), "--shard", fmt::format("{}/3", k)}));
            REQUIRE(r.exit_code == 0);
            for (const auto& id : card_ids(parse_lines(r.out))) {
                all.insert(id);
            }
        }
        CHECK(all.size() == 12);
        CHECK(std::set<std::string>(all.begin(), all.end()).size() == 12);
    }
    SECTION("a bad --shard is a usage error") {
        auto r = run_binary(offline_spec(dir, {corpus.string(), "--shard", "4/3"}));
        CHECK(r.exit_code == 2);
        CHECK(r.err == "roundtable: error: --shard: expected K/N with 1 <= K <= N (got '4/3')\n");
        CHECK(r.out.empty());
    }
    SECTION("--resume after a truncated output redoes only the missing ids") {
        auto out = dir.path() / "out.jsonl";
        auto first = run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string()}));
        REQUIRE(first.exit_code == 0);
        std::string whole = slurp(out);
        auto lines = parse_lines(whole);
        REQUIRE(lines.size() == 12);
        // Keep 5 whole lines and half of the sixth.
        std::size_t cut = 0;
        for (int i = 0; i < 5; ++i) {
            cut = whole.find('\n', cut) + 1;
        }
        std::string kept = whole.substr(0, cut);
        std::size_t half = (whole.find('\n', cut) - cut) / 2;
        {
            std::ofstream f(out, std::ios::binary | std::ios::trunc);
            f << kept << whole.substr(cut, half);
        }
        auto r =
            run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string(), "--resume"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        std::string after = slurp(out);
        CHECK(after.starts_with(kept));
        auto all = parse_lines(after); // every line whole JSON
        CHECK(all.size() == 12);
        CHECK(card_ids(all).size() == 12);
        CHECK(r.err.find("roundtable: batch: 7 cards, 0 failed, 5 already done (--resume)") !=
              std::string::npos);
        CHECK(r.err.find("cut an incomplete last line") != std::string::npos);
    }
    SECTION("--resume takes an earlier error line out and runs its article again: one line each") {
        dir.write("corpus/empty.txt", "");
        auto out = dir.path() / "out.jsonl";
        auto first = run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string()}));
        CHECK(first.exit_code == 2);
        REQUIRE(parse_lines(slurp(out)).size() == 13);
        auto r =
            run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string(), "--resume"}));
        INFO(r.err);
        CHECK(r.exit_code == 2);
        auto all = parse_lines(slurp(out));
        CHECK(all.size() == 13);
        CHECK(card_ids(all).size() == 12);
        CHECK(std::count_if(all.begin(), all.end(),
                            [](const json& l) { return l.at("id") == "empty.txt"; }) == 1);
        CHECK(r.err.find("roundtable: " + out.string() +
                         ": took out 1 error line; its article will run again\n") !=
              std::string::npos);
        CHECK(r.err.find("roundtable: batch: 0 cards, 1 failed, 12 already done (--resume)") !=
              std::string::npos);
    }
    SECTION("a file name that is not UTF-8 gets its card, id written with U+FFFD, and --resume "
            "finds it done") {
        const std::string name = "story-\xff\xfe.txt";
        dir.write("corpus/" + name, slurp(corpus / "story-00.txt"));
        auto out = dir.path() / "out.jsonl";
        auto first = run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string()}));
        INFO(first.err);
        REQUIRE(first.exit_code == 0);
        auto lines = parse_lines(slurp(out));
        REQUIRE(lines.size() == 13);
        CHECK(card_ids(lines).count("story-\xef\xbf\xbd\xef\xbf\xbd.txt") == 1);
        auto again =
            run_binary(offline_spec(dir, {corpus.string(), "--jsonl", out.string(), "--resume"}));
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK(parse_lines(slurp(out)).size() == 13);
        CHECK(again.err.find("0 cards, 0 failed, 13 already done (--resume)") != std::string::npos);
    }
    SECTION("--resume without --jsonl is a usage error") {
        auto r = run_binary(offline_spec(dir, {corpus.string(), "--resume"}));
        CHECK(r.exit_code == 2);
        CHECK(r.err == "roundtable: error: --resume needs --jsonl FILE (the output to resume)\n");
    }
    SECTION("logs lists the batch's cards; logs show renders one again") {
        REQUIRE(run_binary(offline_spec(dir, {corpus.string(), "--shard", "1/1"})).exit_code == 0);
        RunSpec logs = offline_spec(dir, {});
        logs.args = {"logs", "--json", "-n", "50"};
        auto r = run_binary(logs);
        REQUIRE(r.exit_code == 0);
        auto list = json::parse(r.out);
        REQUIRE(list.size() == 12);
        CHECK(list[0].at("stance") == "bearish");
        CHECK(list[0].at("title").get<std::string>().find("Corvane") != std::string::npos);
        logs.args = {"logs"};
        auto table = run_binary(logs);
        CHECK(table.out.starts_with("ROW    TIME (UTC)       STANCE   VOTE         COST  TITLE\n"));
        logs.args = {"logs", "show", "story-03.txt", "--format", "json"};
        auto show = run_binary(logs);
        INFO(show.err);
        REQUIRE(show.exit_code == 0);
        CHECK(json::parse(show.out).at("article").at("source").get<std::string>().ends_with(
            "story-03.txt"));
        logs.args = {"logs", "show", "nothing-like-this"};
        auto missing = run_binary(logs);
        CHECK(missing.exit_code == 2);
        CHECK(missing.err == "roundtable: error: no card matches 'nothing-like-this'\n");
    }
}

TEST_CASE("e2e::batch --fail-on") {
    TempDir dir;
    for (const char* name : {"bearish-truck-recall.txt", "bullish-solar-storage-expansion.txt"}) {
        dir.write(std::string("corpus/") + name,
                  slurp(source_path(std::string("examples/") + name)));
    }
    auto corpus = (dir.path() / "corpus").string();
    auto run = [&](std::vector<std::string> policies) {
        std::vector<std::string> args{corpus};
        for (auto& p : policies) {
            args.push_back("--fail-on");
            args.push_back(p);
        }
        return run_binary(offline_spec(dir, args));
    };

    SECTION("stance=") {
        auto r = run({"stance=bullish"});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("roundtable: --fail-on stance=bullish matched 1 article: "
                         "bullish-solar-storage-expansion.txt\n") != std::string::npos);
        CHECK(parse_lines(r.out).size() == 2); // the cards are still written
        CHECK(run({"stance=split"}).exit_code == 0);
    }
    SECTION("agreement") {
        CHECK(run({"agreement<=1"}).exit_code == 1);
        CHECK(run({"agreement>1"}).exit_code == 0);
        CHECK(run({"agreement<0"}).exit_code == 0);
    }
    SECTION("ungrounded: the offline analysts only quote, so nothing is ungrounded") {
        CHECK(run({"ungrounded>0"}).exit_code == 0);
        CHECK(run({"ungrounded>=0"}).exit_code == 1);
    }
    SECTION("failed-seats and comma-separated lists") {
        CHECK(run({"failed-seats>0"}).exit_code == 0);
        auto r = run({"failed-seats>0,stance=bearish"});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("--fail-on stance=bearish matched 1 article: bearish-truck-recall.txt") !=
              std::string::npos);
    }
    SECTION("inputs may follow --fail-on") {
        auto r = run_binary(offline_spec(dir, {"--fail-on", "stance=bullish", corpus}));
        CHECK(r.exit_code == 1);
        CHECK(parse_lines(r.out).size() == 2);
    }
    SECTION("--fail-on may be given more than once") {
        auto r = run({"agreement>1", "stance=bearish"});
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("--fail-on stance=bearish matched 1 article: bearish-truck-recall.txt") !=
              std::string::npos);
    }
    SECTION("a bad expression is a usage error saying what was expected") {
        auto r = run({"agreement~0.5"});
        CHECK(r.exit_code == 2);
        CHECK(r.err == "roundtable: error: --fail-on 'agreement~0.5': expected agreement followed "
                       "by <, <=, >, >= "
                       "or = and a number\n");
    }
}

TEST_CASE("e2e::batch against the fake provider server") {
    TempDir dir;
    auto corpus = write_corpus(dir, 12);
    auto out = dir.path() / "out.jsonl";

    SECTION("the per-provider in-flight limit is never exceeded; a warm rerun makes no calls") {
        FakePanel fake(std::chrono::milliseconds(50));
        auto r = run_binary(fake_spec(
            fake, dir,
            {corpus.string(), "--jsonl", out.string(), "--max-in-flight", "2", "--jobs", "4"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto lines = parse_lines(slurp(out));
        REQUIRE(lines.size() == 12);
        for (const auto& l : lines) {
            CHECK(l.at("card").at("consensus").at("stance") == "bearish");
            CHECK(l.at("card").at("consensus").at("vote") == "3-1");
        }
        CHECK(fake.server.requests().size() == 12 * 9);
        for (const char* path : {"/v1/messages", "/v1/chat/completions", "/xai/", "/v1beta/"}) {
            INFO(path);
            CHECK(fake.server.max_concurrency(path) <= 2);
            CHECK(fake.server.max_concurrency(path) >= 1);
        }
        // The same cache: zero calls, identical cards (timing aside).
        fake.server.reset_stats();
        auto out2 = dir.path() / "out2.jsonl";
        auto again = run_binary(fake_spec(fake, dir, {corpus.string(), "--jsonl", out2.string()}));
        REQUIRE(again.exit_code == 0);
        CHECK(fake.server.requests().empty());
        CHECK(again.err.find("calls 108 (108 from cache)") != std::string::npos);
        std::map<std::string, json> before;
        for (const auto& l : lines) {
            before[l.at("id")] = without_timing(l.at("card"));
        }
        auto lines2 = parse_lines(slurp(out2));
        REQUIRE(lines2.size() == 12);
        for (const auto& l : lines2) {
            CHECK(without_timing(l.at("card")) == before.at(l.at("id")));
            CHECK(l.at("card").at("usage").at("cache_hits") == 9);
        }
        // --refresh calls again; --no-cache too.
        fake.server.reset_stats();
        REQUIRE(run_binary(fake_spec(fake, dir, {corpus.string(), "--refresh", "--shard", "1/4"}))
                    .exit_code == 0);
        CHECK(!fake.server.requests().empty());
        fake.server.reset_stats();
        REQUIRE(run_binary(fake_spec(fake, dir, {corpus.string(), "--no-cache", "--shard", "1/4"}))
                    .exit_code == 0);
        CHECK(!fake.server.requests().empty());
    }
    SECTION("Ctrl-C leaves only whole lines; --resume completes the corpus without redoing "
            "finished ids") {
        FakePanel fake(std::chrono::milliseconds(100));
        auto spec = fake_spec(
            fake, dir, {corpus.string(), "--jsonl", out.string(), "--jobs", "2", "--no-cache"});
        // Interrupt mid-run: once a couple of panels have made their calls.
        spec.interrupt_when = [&fake] { return fake.server.requests().size() >= 20; };
        auto r = run_binary(spec);
        INFO(r.err);
        CHECK(r.exit_code == 130);
        std::string partial = slurp(out);
        CHECK((partial.empty() || partial.back() == '\n'));
        auto done = card_ids(parse_lines(partial));
        CHECK(done.size() < 12);
        fake.server.reset_stats();
        auto spec2 = fake_spec(
            fake, dir, {corpus.string(), "--jsonl", out.string(), "--resume", "--no-cache"});
        auto resumed = run_binary(spec2);
        INFO(resumed.err);
        REQUIRE(resumed.exit_code == 0);
        auto all = parse_lines(slurp(out));
        CHECK(card_ids(all).size() == 12);
        CHECK(all.size() == 12);
        CHECK(fake.server.requests().size() == (12 - done.size()) * 9);
    }
    SECTION("a failing seat: failed-seats>0 matches") {
        FakePanel fake;
        fake.server.set_handler(
            "/v1beta/models/gemini-2.5-pro:generateContent", [](const RecordedRequest&) {
                return json_reply(
                    400, R"({"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT"}})");
            });
        auto r = run_binary(fake_spec(
            fake, dir, {corpus.string(), "--fail-on", "failed-seats>0", "--shard", "1/3"}));
        INFO(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("--fail-on failed-seats>0 matched") != std::string::npos);
    }
    SECTION("two batch processes on one cache database both succeed") {
        FakePanel fake;
        auto spec_a =
            fake_spec(fake, dir, {corpus.string(), "--jsonl", (dir.path() / "a.jsonl").string()});
        auto spec_b =
            fake_spec(fake, dir, {corpus.string(), "--jsonl", (dir.path() / "b.jsonl").string()});
        auto a = std::async(std::launch::async, [&] { return run_binary(spec_a); });
        auto b = std::async(std::launch::async, [&] { return run_binary(spec_b); });
        auto ra = a.get();
        auto rb = b.get();
        INFO(ra.err);
        INFO(rb.err);
        CHECK(ra.exit_code == 0);
        CHECK(rb.exit_code == 0);
        CHECK(card_ids(parse_lines(slurp(dir.path() / "a.jsonl"))).size() == 12);
        CHECK(card_ids(parse_lines(slurp(dir.path() / "b.jsonl"))).size() == 12);
        CHECK(ra.err.find("warning") == std::string::npos);
        CHECK(rb.err.find("warning") == std::string::npos);
    }
    SECTION("--report writes one standalone page") {
        FakePanel fake;
        auto report = dir.path() / "report.html";
        auto r = run_binary(fake_spec(
            fake, dir, {corpus.string(), "--report", report.string(), "--jsonl", out.string()}));
        REQUIRE(r.exit_code == 0);
        std::string page = slurp(report);
        CHECK(page.find("<svg class=\"chart\"") != std::string::npos);
        CHECK(page.find("<table class=\"cards\">") != std::string::npos);
        CHECK(page.find("<section class=\"full\" id=\"card-12\">") != std::string::npos);
        CHECK(page.find("<script") == std::string::npos);
        const std::string dom = chromium_dom(report.string());
        if (!dom.empty()) {
            CHECK(dom.find("<table class=\"cards\">") != std::string::npos);
            CHECK(dom.find("<svg class=\"chart\"") != std::string::npos);
        }
    }
}

TEST_CASE("e2e::single card uses the reply cache and logs the card") {
    FakePanel fake;
    TempDir dir;
    auto spec = fake_spec(fake, dir, {});
    spec.args = {source_path("examples/bearish-truck-recall.txt"), "--format", "json", "--config",
                 (dir.path() / "config.toml").string()};

    SECTION("a second run makes no calls; --no-cache and --refresh do") {
        auto first = run_binary(spec);
        INFO(first.err);
        REQUIRE(first.exit_code == 0);
        CHECK(fake.server.requests().size() == 9);
        auto second = run_binary(spec);
        REQUIRE(second.exit_code == 0);
        CHECK(fake.server.requests().size() == 9);
        CHECK(json::parse(second.out).at("usage").at("cache_hits") == 9);
        CHECK(without_timing(json::parse(second.out)) == without_timing(json::parse(first.out)));
        auto no_cache = spec;
        no_cache.args.push_back("--no-cache");
        REQUIRE(run_binary(no_cache).exit_code == 0);
        CHECK(fake.server.requests().size() == 18);
        auto refresh = spec;
        refresh.args.push_back("--refresh");
        REQUIRE(run_binary(refresh).exit_code == 0);
        CHECK(fake.server.requests().size() == 27);
        auto both = spec;
        both.args.push_back("--refresh");
        both.args.push_back("--no-cache");
        CHECK(run_binary(both).exit_code == 2);

        RunSpec logs = spec;
        logs.args = {"logs", "--json"};
        auto r = run_binary(logs);
        REQUIRE(r.exit_code == 0);
        CHECK(json::parse(r.out).size() == 4);
    }
    SECTION("a damaged cache is one warning; it is replaced and the card is still produced") {
        dir.write("cache/roundtable/roundtable.db", "this is not a database");
        fs::permissions(dir.path() / "cache" / "roundtable", fs::perms::owner_all);
        auto r = run_binary(spec);
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("roundtable: warning: the store ") == 0);
        CHECK(r.err.find(" was damaged (file is not a database); moved it aside to ") !=
              std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        CHECK(json::parse(r.out).at("consensus").at("stance") == "bearish");
    }
}

namespace {

// Returns the arrival times of the requests to exactly `path`, in order.
std::vector<std::chrono::steady_clock::time_point> arrivals(const FakeServer& server,
                                                            const std::string& path) {
    std::vector<std::chrono::steady_clock::time_point> times;
    for (const auto& r : server.requests()) {
        if (r.path == path) {
            times.push_back(r.arrival);
        }
    }
    std::sort(times.begin(), times.end());
    return times;
}

// Checks that `times` obey a token bucket of `burst` requests refilled one per
// `interval` after the first burst: n requests from the burst on span at least
// (n - burst) intervals. Only a lower bound (less a little for loopback jitter): a
// slow machine only adds time. The first burst is left out because its requests
// open new connections, which delays their arrival by a varying amount.
void check_spacing(const std::vector<std::chrono::steady_clock::time_point>& times,
                   std::int64_t burst, std::chrono::milliseconds interval) {
    const auto jitter = std::chrono::milliseconds(50);
    for (auto i = static_cast<std::size_t>(burst); i < times.size(); ++i) {
        for (std::size_t j = i + 1; j < times.size(); ++j) {
            const auto n = static_cast<std::int64_t>(j - i + 1);
            if (n <= burst) {
                continue;
            }
            const auto span =
                std::chrono::duration_cast<std::chrono::milliseconds>(times[j] - times[i]);
            INFO("requests " << i << " to " << j << " span " << span.count() << " ms");
            CHECK(span >= interval * (n - burst) - jitter);
        }
    }
}

} // namespace

TEST_CASE("e2e::batch rate limits against the fake provider server") {
    TempDir dir;
    const std::vector<std::string> paths{"/v1/messages", "/v1/chat/completions",
                                         "/xai/v1/chat/completions",
                                         "/v1beta/models/gemini-2.5-pro:generateContent"};

    SECTION("--rpm spaces each provider's calls: a burst of one second's worth, then the rate") {
        FakePanel fake;
        auto corpus = write_corpus(dir, 4);
        auto r = run_binary(
            fake_spec(fake, dir, {corpus.string(), "--rpm", "240", "--jobs", "4", "--no-cache"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(card_ids(parse_lines(r.out)).size() == 4);
        for (const auto& path : paths) {
            INFO(path);
            const auto times = arrivals(fake.server, path);
            CHECK(times.size() >= 8); // 4 takes and 4 rebuttals (claude also chairs)
            check_spacing(times, 4, std::chrono::milliseconds(250)); // 240 a minute, holds 4
        }
    }
    SECTION("a seat's rpm limits its provider only") {
        FakePanel fake;
        auto corpus = write_corpus(dir, 2);
        auto spec = fake_spec(fake, dir, {corpus.string(), "--jobs", "2", "--no-cache"});
        std::string config = fake.config();
        const std::string gpt = "[seats.gpt]\n";
        config.insert(config.find(gpt) + gpt.size(), "rpm = 120\n");
        dir.write("config.toml", config);
        auto r = run_binary(spec);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto times = arrivals(fake.server, "/v1/chat/completions");
        CHECK(times.size() == 4);
        check_spacing(times, 2, std::chrono::milliseconds(500)); // 120 a minute, holds 2
    }
    SECTION("x-ratelimit-remaining-requests: 0 holds the next call until the reset") {
        FakePanel fake;
        auto corpus = write_corpus(dir, 1);
        fake.server.set_handler("/v1/chat/completions", [&fake](const RecordedRequest& req) {
            return json_reply(
                200,
                openai_text_reply(object_for(round_of(req.body), fake.stance.at("gpt"), "grok"),
                                  {1000, 200, 0, 0, 50}),
                {{"x-ratelimit-remaining-requests", "0"}, {"x-ratelimit-reset-requests", "1s"}});
        });
        auto r = run_binary(fake_spec(fake, dir, {corpus.string(), "--jobs", "1", "--no-cache"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(card_ids(parse_lines(r.out)).size() == 1);
        const auto times = arrivals(fake.server, "/v1/chat/completions");
        REQUIRE(times.size() == 2); // the take, then the rebuttal
        CHECK(times[1] - times[0] >= std::chrono::milliseconds(1000));
    }
    SECTION("two servers of one protocol are two providers: each has its own limits") {
        // Two openai-compatible seats on different base URLs, --max-in-flight 1: if they
        // shared one semaphore, no two calls would ever be in flight at once.
        FakePanel fake;
        for (const std::string prefix : {"/one", "/two"}) {
            fake.server.set_handler(
                prefix + "/v1/chat/completions", [](const RecordedRequest& req) {
                    auto reply = json_reply(
                        200, openai_text_reply(object_for(round_of(req.body), "bearish", "one"),
                                               {1000, 200, 0, 0, 0}));
                    reply.latency = std::chrono::milliseconds(500);
                    return reply;
                });
        }
        auto cfg = dir.write("two-servers.toml", fmt::format(R"([panel]
seats = ["one", "two"]
quorum = 2
chair = "one"
[seats.one]
provider = "openai-compatible"
model = "local-model"
base_url = "{0}/one/v1"
[seats.two]
provider = "openai-compatible"
model = "local-model"
base_url = "{0}/two/v1"
)",
                                                             fake.server.base_url()));
        auto corpus = write_corpus(dir, 1);
        RunSpec spec = offline_spec(
            dir, {corpus.string(), "--config", cfg.string(), "--max-in-flight", "1", "--no-cache"});
        auto r = run_binary(spec);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(fake.server.max_concurrency("/one/") == 1);
        CHECK(fake.server.max_concurrency("/two/") == 1);
        CHECK(fake.server.max_concurrency("/") == 2); // round 1: both seats at once
    }
    SECTION("a negative --rpm is a usage error") {
        auto r = run_binary(offline_spec(dir, {"corpus", "--rpm", "-5"}));
        CHECK(r.exit_code == 2);
        CHECK(r.err.starts_with("roundtable: error: --rpm: Value -5 not in range 0 to 1000000000"));
    }
}
