// End to end: `roundtable batch --provider-batch` as the built binary against the fake
// server's batch protocols (tests/fake/fake_batch.hpp) for all four seats.
#include <atomic>
#include <catch2/catch.hpp>
#include <fake/fake_batch.hpp>
#include <fake/fake_panel.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> k_batch_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

std::string read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path corpus_of(TempDir& dir, int n) {
    const std::string base = read_all(source_path("examples/bearish-truck-recall.txt"));
    for (int i = 0; i < n; ++i) {
        dir.write(fmt::format("corpus/story-{:02}.txt", i), base + fmt::format("\nStory {}.\n", i));
    }
    return dir.path() / "corpus";
}

std::map<std::string, json> lines_by_id(const fs::path& jsonl) {
    std::map<std::string, json> out;
    std::istringstream in(read_all(jsonl));
    std::string line;
    while (std::getline(in, line)) {
        json j = json::parse(line);
        out[j.at("id").get<std::string>()] = j;
    }
    return out;
}

RunSpec spec_for(const FakePanel& fake, TempDir& dir, std::vector<std::string> args) {
    RunSpec spec;
    const auto cfg = dir.write("config.toml", fake.config());
    spec.args = {"batch"};
    spec.args.insert(spec.args.end(), args.begin(), args.end());
    spec.args.insert(spec.args.end(), {"--config", cfg.string()});
    spec.env = k_batch_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

json comparable(json card) {
    card.at("usage").erase("wall_ms");
    card.at("usage").erase("cache_hits");
    card.at("usage").erase("cost_usd");
    return card;
}

int sync_calls(const FakeServer& server) {
    int n = 0;
    for (const auto& r : server.requests()) {
        n += r.path.ends_with("/chat/completions") || r.path == "/v1/messages" ||
             r.path.ends_with(":generateContent");
    }
    return n;
}

} // namespace

TEST_CASE("e2e::batch --provider-batch") {
    // With the reply cache, in sweeps (jobs/sweep.hpp); with --no-cache, the panels held in
    // memory (jobs/runner.hpp): both ways, the same cards.
    const bool sweeps = GENERATE(true, false);
    const std::vector<std::string> mode =
        sweeps ? std::vector<std::string>{} : std::vector<std::string>{"--no-cache"};
    INFO((sweeps ? "sweeps" : "panels in memory"));
    auto with_mode = [&](std::vector<std::string> args) {
        args.insert(args.end(), mode.begin(), mode.end());
        return args;
    };
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(100));
    TempDir dir;
    const fs::path corpus = corpus_of(dir, 3);
    const fs::path sync_out = dir.path() / "sync.jsonl";
    const fs::path batch_out = dir.path() / "batch.jsonl";
    // Runs the corpus synchronously into sync_out, then (server stats reset) in --provider-batch
    // mode into batch_out; each run exits 0 and writes three lines. Returns the batch run.
    auto run_both = [&] {
        const RunResult sync = run_binary(
            spec_for(fake, dir, {corpus.string(), "--jsonl", sync_out.string(), "--no-cache"}));
        REQUIRE(sync.exit_code == 0);
        fake.server.reset_stats();
        RunResult r = run_binary(spec_for(fake, dir,
                                          with_mode({corpus.string(), "--jsonl", batch_out.string(),
                                                     "--provider-batch", "--poll", "0.02"})));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        REQUIRE(lines_by_id(sync_out).size() == 3);
        REQUIRE(lines_by_id(batch_out).size() == 3);
        return r;
    };

    SECTION("the same cards as synchronous mode, at the batch price, with no synchronous call") {
        const RunResult r = run_both();
        INFO(r.err);
        CHECK(sync_calls(fake.server) == 0);
        // Takes and rebuttals per seat, then the chair: 9 jobs. Sweeps make exactly these; the
        // broker makes up to 27 when a loaded machine staggers the articles' requests.
        const int jobs = batch.jobs_created();
        CHECK(jobs >= 9);
        CHECK(jobs <= (sweeps ? 9 : 27));
        const auto a = lines_by_id(sync_out);
        const auto b = lines_by_id(batch_out);
        for (const auto& [id, line] : a) {
            INFO(id);
            REQUIRE(b.at(id).contains("card"));
            CHECK(comparable(b.at(id)["card"]) == comparable(line["card"]));
            const double full = line["card"]["usage"]["cost_usd"].get<double>();
            const double billed = b.at(id)["card"]["usage"]["cost_usd"].get<double>();
            // Claude, GPT and Gemini at their catalogue batch_discount (0.50); the catalogue has
            // none for grok-4, so its calls cost the same either way.
            CHECK(full > 0);
            CHECK(billed < full * 0.75);
            CHECK(billed > full * 0.5);
        }
        CHECK(r.err.find("provider batch: " + std::to_string(jobs) + " jobs") != std::string::npos);
        CHECK(r.err.find("in_progress") != std::string::npos); // a line per state change
        for (const auto& [name, key] : k_batch_keys) {
            CHECK(r.err.find(key) == std::string::npos);
            CHECK(read_all(batch_out).find(key) == std::string::npos);
        }
    }
    SECTION("grok's calls cost what its replies say: half, when its batch lines say half") {
        // Every xAI reply carries usage.cost_in_usd_ticks, what it was billed (docs.x.ai Cost
        // Tracking, read 2026-11-30); xAI publishes no batch share, so half is this test's.
        fake.xai_cost_ticks = 60'000'000;
        batch.set_billed_share(0.5);
        run_both();
        const auto a = lines_by_id(sync_out);
        const auto b = lines_by_id(batch_out);
        for (const auto& [id, line] : a) {
            INFO(id);
            const double full = line["card"]["usage"]["cost_usd"].get<double>();
            // grok's take and rebuttal at $0.006 each, as its replies said.
            CHECK(full > 2 * 0.006);
            CHECK(b.at(id)["card"]["usage"]["cost_usd"].get<double>() == Approx(full / 2));
        }
    }
    SECTION("a rerun makes no calls: batch results are in the reply cache") {
        const fs::path out = dir.path() / "first.jsonl";
        auto first = run_binary(spec_for(
            fake, dir,
            {corpus.string(), "--jsonl", out.string(), "--provider-batch", "--poll", "0.02"}));
        REQUIRE(first.exit_code == 0);
        const int jobs = batch.jobs_created();
        fake.server.reset_stats();
        const fs::path again = dir.path() / "again.jsonl";
        auto second = run_binary(spec_for(
            fake, dir,
            {corpus.string(), "--jsonl", again.string(), "--provider-batch", "--poll", "0.02"}));
        REQUIRE(second.exit_code == 0);
        CHECK(batch.jobs_created() == jobs);
        CHECK(fake.server.requests().empty());
        // ... and a synchronous rerun finds the same replies.
        auto sync = run_binary(spec_for(fake, dir, {corpus.string()}));
        REQUIRE(sync.exit_code == 0);
        CHECK(fake.server.requests().empty());
        const auto a = lines_by_id(out);
        const auto b = lines_by_id(again);
        for (const auto& [id, line] : a) {
            CHECK(comparable(b.at(id)["card"]) == comparable(line["card"]));
        }
    }
    SECTION("errored and expired lines: every article still ends carded or failed with a reason") {
        // gpt never answers; gemini's lines for one article always error, so that article
        // keeps 2 of 4 seats, under the quorum of 3.
        auto victim = std::make_shared<std::string>();
        batch.set_fate([victim](const std::string& id, int) {
            if (id.ends_with("-s1")) {
                return LineFate::expired;
            }
            if (id.ends_with("-s2")) {
                const std::string article = id.substr(id.find("-a"));
                if (victim->empty()) {
                    *victim = article;
                }
                return article == *victim ? LineFate::errored : LineFate::answer;
            }
            return LineFate::answer;
        });
        const fs::path out = dir.path() / "faults.jsonl";
        auto r = run_binary(spec_for(fake, dir,
                                     with_mode({corpus.string(), "--jsonl", out.string(),
                                                "--provider-batch", "--poll", "0.02"})));
        INFO(r.err);
        const auto lines = lines_by_id(out);
        REQUIRE(lines.size() == 3);
        int failed = 0;
        for (const auto& [id, line] : lines) {
            if (line.contains("card")) {
                for (const auto& seat : line["card"]["seats"]) {
                    if (seat["seat"] == "gpt") {
                        CHECK(seat["status"] == "failed");
                        CHECK(seat["error"].get<std::string>().find("expired") !=
                              std::string::npos);
                    }
                }
            } else {
                ++failed;
                CHECK(line["error"].get<std::string>().find("quorum") != std::string::npos);
            }
        }
        CHECK(failed == 1);
        CHECK(r.exit_code == 3);
    }
    SECTION("--finish-sync calls what still fails directly: every card is whole") {
        batch.set_fate([](const std::string& id, int) {
            return id.ends_with("-s1") ? LineFate::expired : LineFate::answer;
        });
        const fs::path out = dir.path() / "finish.jsonl";
        auto r = run_binary(
            spec_for(fake, dir,
                     with_mode({corpus.string(), "--jsonl", out.string(), "--provider-batch",
                                "--finish-sync", "--poll", "0.02"})));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        for (const auto& [id, line] : lines_by_id(out)) {
            for (const auto& seat : line["card"]["seats"]) {
                CHECK(seat["status"] == "ok");
            }
        }
        CHECK(sync_calls(fake.server) == 6); // gpt's take and rebuttal, per article
    }
    SECTION("--finish-sync without --provider-batch is a usage error") {
        auto r = run_binary(spec_for(fake, dir, {corpus.string(), "--finish-sync"}));
        CHECK(r.exit_code == 2);
        CHECK(r.err.find("--finish-sync and --poll need --provider-batch") != std::string::npos);
    }
}

namespace {

// `roundtable ARGS` with the batch keys and the cache (the store) of `dir`.
RunSpec jobs_spec(TempDir& dir, std::vector<std::string> args) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.env = k_batch_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

std::string run_id_in(const std::string& err) {
    const std::string marker = "roundtable jobs collect ";
    const auto at = err.find(marker);
    if (at == std::string::npos) {
        return "";
    }
    const auto start = at + marker.size();
    return err.substr(start, err.find('\n', start) - start);
}

} // namespace

TEST_CASE("e2e::jobs: nothing submitted is lost") {
    FakePanel fake;
    // Jobs take long enough to be caught running.
    FakeBatch batch(fake.server, std::chrono::milliseconds(2500));
    TempDir dir;
    const fs::path corpus = corpus_of(dir, 3);
    const fs::path out = dir.path() / "cards.jsonl";
    // 3 articles: 4 takes, 4 rebuttals and a chair each.
    constexpr int k_requests = 27;

    auto check_finished = [&](const RunResult& r) {
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto lines = lines_by_id(out);
        REQUIRE(lines.size() == 3);
        std::istringstream in(read_all(out));
        int count = 0;
        for (std::string line; std::getline(in, line);) {
            ++count;
        }
        CHECK(count == 3); // every article carded once
        for (const auto& [id, line] : lines) {
            CHECK(line.contains("card"));
        }
        CHECK(batch.lines_submitted() == k_requests); // no request submitted twice
        CHECK(sync_calls(fake.server) == 0);
        for (const auto& [name, key] : k_batch_keys) {
            CHECK(r.err.find(key) == std::string::npos);
            CHECK(r.out.find(key) == std::string::npos);
        }
    };

    SECTION("Ctrl-C while polling, then jobs collect from a second process") {
        RunSpec spec = spec_for(
            fake, dir,
            {corpus.string(), "--jsonl", out.string(), "--provider-batch", "--poll", "0.05"});
        // Interrupt a moment after the four round-1 jobs exist (time to record the last one).
        auto seen = std::make_shared<std::optional<std::chrono::steady_clock::time_point>>();
        spec.interrupt_when = [&batch, seen] {
            if (batch.jobs_created() < 4) {
                return false;
            }
            if (!*seen) {
                *seen = std::chrono::steady_clock::now();
            }
            return std::chrono::steady_clock::now() - **seen > std::chrono::milliseconds(300);
        };
        auto first = run_binary(spec);
        INFO(first.err);
        REQUIRE(first.exit_code == 130);
        CHECK(batch.jobs_created() == 4);
        CHECK(first.err.find("4 jobs still running at the providers; collect them with: "
                             "roundtable jobs collect ") != std::string::npos);
        const std::string run = run_id_in(first.err);
        REQUIRE(!run.empty());

        auto listed = run_binary(jobs_spec(dir, {"jobs", "--json"}));
        REQUIRE(listed.exit_code == 0);
        const json runs = json::parse(listed.out);
        REQUIRE(runs.size() == 1);
        CHECK(runs[0]["run"] == run);
        CHECK(runs[0]["state"] == "interrupted");
        REQUIRE(runs[0]["jobs"].size() == 4);
        for (const auto& job : runs[0]["jobs"]) {
            CHECK(job["requests"] == 3);
            CHECK(job["pass"] == 1);
            CHECK(!job["ended"].get<bool>());
        }
        auto text = run_binary(jobs_spec(dir, {"jobs"}));
        CHECK(text.out.find(run + "  interrupted") != std::string::npos);

        auto second = run_binary(jobs_spec(dir, {"jobs", "collect", run, "--poll", "0.05"}));
        check_finished(second);
        CHECK(batch.jobs_created() >= 9);
        auto after = run_binary(jobs_spec(dir, {"jobs", "--json"}));
        CHECK(json::parse(after.out)[0]["state"] == "done");
    }
    SECTION("--detach submits, prints the run id and exits; jobs collect finishes the run") {
        auto first = run_binary(spec_for(fake, dir,
                                         {corpus.string(), "--jsonl", out.string(),
                                          "--provider-batch", "--detach", "--poll", "0.05"}));
        INFO(first.err);
        REQUIRE(first.exit_code == 0);
        CHECK(batch.jobs_created() == 4);
        CHECK(batch.lines_submitted() == 12);
        REQUIRE(first.out.size() > 1);
        const std::string run = first.out.substr(0, first.out.size() - 1);
        CHECK(first.out == run + "\n");
        CHECK(first.err.find("detached: 4 jobs running at the providers") != std::string::npos);
        CHECK(lines_by_id(out).empty());

        auto second = run_binary(jobs_spec(dir, {"jobs", "collect", run}));
        check_finished(second);

        // Again over the same corpus: every reply is in the cache, so nothing is submitted and
        // every card is written before the command returns.
        const fs::path again = dir.path() / "again.jsonl";
        auto third = run_binary(
            spec_for(fake, dir,
                     {corpus.string(), "--jsonl", again.string(), "--provider-batch", "--detach"}));
        INFO(third.err);
        CHECK(third.exit_code == 0);
        CHECK(third.err.find("detached: nothing was left to submit") != std::string::npos);
        CHECK(lines_by_id(again).size() == 3);
        CHECK(batch.lines_submitted() == k_requests);
    }
    SECTION("jobs cancel cancels the unfinished jobs at the providers") {
        auto first = run_binary(spec_for(
            fake, dir, {corpus.string(), "--jsonl", out.string(), "--provider-batch", "--detach"}));
        REQUIRE(first.exit_code == 0);
        const std::string run = first.out.substr(0, first.out.size() - 1);
        auto canceled = run_binary(jobs_spec(dir, {"jobs", "cancel", run.substr(0, 17)}));
        INFO(canceled.err);
        CHECK(canceled.exit_code == 0);
        CHECK(batch.jobs_canceled() == 4);
        auto listed = run_binary(jobs_spec(dir, {"jobs", "--format", "json"}));
        const json runs = json::parse(listed.out);
        CHECK(runs[0]["state"] == "canceled");
        auto again = run_binary(jobs_spec(dir, {"jobs", "cancel", run}));
        CHECK(again.exit_code == 0);
        CHECK(batch.jobs_canceled() == 4); // nothing left to cancel
    }
    SECTION("an unknown run is a usage error") {
        auto r = run_binary(jobs_spec(dir, {"jobs", "collect", "nope"}));
        CHECK(r.exit_code == 2);
        CHECK(r.err.starts_with("roundtable: error: jobs: no batch run matches 'nope'"));
        auto none = run_binary(jobs_spec(dir, {"jobs"}));
        CHECK(none.exit_code == 0);
        CHECK(none.out.find("no provider batch runs recorded") != std::string::npos);
    }
    SECTION("a URL input is fetched once for the run, though every sweep reads it again") {
        const std::string text = read_all(source_path("examples/bearish-truck-recall.txt"));
        auto fetches = std::make_shared<std::atomic<int>>(0);
        // A page that changes at every fetch: fetched again, it would ask new questions.
        fake.server.set_handler("/news/recall", [text, fetches](const RecordedRequest&) {
            return Scripted{200, {}, text + fmt::format("\nFetch {}.\n", ++*fetches), "text/plain"};
        });
        const auto listed = dir.write(
            "urls.jsonl",
            json{{"id", "recall"}, {"url", fake.server.base_url() + "/news/recall"}}.dump() + "\n");
        auto r = run_binary(spec_for(
            fake, dir,
            {listed.string(), "--jsonl", out.string(), "--provider-batch", "--poll", "0.05"}));
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(fetches->load() == 1);
        CHECK(lines_by_id(out).size() == 1);
        CHECK(batch.lines_submitted() == 9); // 4 takes, 4 rebuttals, the chair: nothing twice
    }
    SECTION("the offline panel has nothing to submit: its cards are made at once, no run kept") {
        RunSpec spec;
        spec.args = {"batch", corpus.string(), "--jsonl", out.string(), "--provider-batch"};
        spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string(); // and no API key
        auto r = run_binary(spec);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.find("the offline panel makes no calls") != std::string::npos);
        CHECK(lines_by_id(out).size() == 3);
        CHECK(batch.jobs_created() == 0);
        auto none = run_binary(jobs_spec(dir, {"jobs"}));
        CHECK(none.out.find("no provider batch runs recorded") != std::string::npos);
        spec.args.push_back("--detach");
        auto detached = run_binary(spec);
        CHECK(detached.exit_code == 2);
        CHECK(detached.err.find("nothing to submit") != std::string::npos);
    }
}
