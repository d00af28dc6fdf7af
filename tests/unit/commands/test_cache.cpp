// Tests of commands/cache.hpp: `roundtable cache` shows, prunes and clears a store
// given by path, with an injected clock and a scripted terminal.
#include <catch2/catch.hpp>
#include <filesystem>
#include <roundtable/commands/cache.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>
#include <sstream>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t k_t0 = 1'700'000'000; // 2023-11-14 22:13 UTC
constexpr std::int64_t k_day = 86400;

struct Result {
    int code = -1;
    std::string out;
    std::string err;
};

Result run(commands::CacheOptions options, const std::string& input = "") {
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    Result result;
    result.code = commands::run_cache(options, in, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
}

store::CachedReply reply(std::int64_t at) {
    store::CachedReply r;
    r.text = std::string(2000, 'r');
    r.model = "m";
    r.created_at = at;
    return r;
}

// Fills `path` with 10 replies a day apart (k_t0 - 9 days .. k_t0), 2 cards and 2 runs.
void fill(const std::string& path) {
    auto store = store::Store::open(path);
    REQUIRE(store);
    for (int i = 0; i < 10; ++i) {
        REQUIRE(store->put_reply("k" + std::to_string(i), reply(k_t0 - (9 - i) * k_day)));
    }
    store::CardLogEntry card;
    card.id = "abcdef";
    card.created_at = k_t0 - 3 * k_day;
    REQUIRE(store->log_card(card));
    card.created_at = k_t0;
    REQUIRE(store->log_card(card));
    REQUIRE(store->record_run(3, 1));
    REQUIRE(store->record_run(9, 0));
}

} // namespace

TEST_CASE("commands::run_cache show") {
    TempDir dir;
    commands::CacheOptions options;
    options.path = (dir.path() / "cache" / "roundtable.db").string();
    options.clock = [] { return k_t0; };
    options.overrides.config_path = dir.write("config.toml", "").string();

    SECTION("no store yet: says so and creates nothing") {
        const auto r = run(options);
        CHECK(r.code == 0);
        CHECK(r.out ==
              "store     " + options.path + "\n          none yet (the first card creates it)\n");
        CHECK_FALSE(fs::exists(dir.path() / "cache"));
    }
    SECTION("path, size, entries, oldest and newest, hit rate of recent runs") {
        fill(options.path);
        const auto r = run(options);
        CHECK(r.code == 0);
        INFO(r.out);
        std::istringstream lines(r.out);
        std::string line;
        std::getline(lines, line);
        CHECK(line == "store     " + options.path);
        std::getline(lines, line);
        CHECK(line.starts_with("size      "));
        CHECK(line.ends_with(" of data; cap 1.0 GiB)"));
        std::getline(lines, line);
        CHECK(line ==
              "replies   10 (oldest 2023-11-05 22:13 UTC, newest 2023-11-14 22:13 UTC; kept "
              "30 days)");
        std::getline(lines, line);
        CHECK(line == "cards     2 (oldest 2023-11-11 22:13 UTC, newest 2023-11-14 22:13 UTC; kept "
                      "90 days)");
        std::getline(lines, line);
        CHECK(line ==
              "hit rate  92% over the last 2 runs (12 of 13 lookups); last run 100% (9 of 9)");
        CHECK(r.err.empty());
    }
    SECTION("--json") {
        fill(options.path);
        options.json = true;
        const auto r = run(options);
        CHECK(r.code == 0);
        CHECK(r.out.find("\"replies\": 10") != std::string::npos);
        CHECK(r.out.find("\"cards\": 2") != std::string::npos);
        CHECK(r.out.find("\"oldest_reply\": 1699222400") != std::string::npos);
        CHECK(r.out.find("\"hits\": 12") != std::string::npos);
        CHECK(r.out.find("\"lookups\": 13") != std::string::npos);
        CHECK(r.out.find("\"cache_max_mb\": 1024") != std::string::npos);
    }
    SECTION("the limits come from [store] in the config file") {
        fill(options.path);
        options.overrides.config_path =
            dir.write("store.toml", "[store]\ncache_max_mb = 5\ncache_max_age_days = 7\n"
                                    "log_max_age_days = 0\n")
                .string();
        const auto r = run(options);
        CHECK(r.out.find("of data; cap 5.0 MiB)\n") != std::string::npos);
        CHECK(r.out.find("; kept 7 days)\n") != std::string::npos);
        CHECK(r.out.find("; kept until the size cap)\n") != std::string::npos);
    }
}

TEST_CASE("commands::run_cache prune") {
    TempDir dir;
    commands::CacheOptions options;
    options.action = commands::CacheOptions::Action::prune;
    options.path = (dir.path() / "roundtable.db").string();
    options.clock = [] { return k_t0; };
    options.overrides.config_path = dir.write("config.toml", "").string();

    SECTION("--older-than removes older replies now, all of them") {
        fill(options.path);
        options.older_than = "4d";
        const auto r = run(options);
        CHECK(r.code == 0);
        CHECK(r.out.starts_with("removed 5 replies and 0 cards; " + options.path + " went from "));
        auto store = store::Store::open(options.path);
        CHECK(store->reply_count() == 5);
        CHECK(store->summary()->oldest_reply == k_t0 - 4 * k_day);
    }
    SECTION("--max-size shrinks the data, oldest first") {
        fill(options.path);
        options.max_size = "76K"; // 60K of replies and the schema's pages (schema 4: 4 more)
        const auto r = run(options);
        CHECK(r.code == 0);
        auto store = store::Store::open(options.path);
        const auto summary = store->summary();
        CHECK(summary->data_bytes <= 76 * 1024);
        CHECK(summary->replies < 10);
        CHECK(summary->newest_reply == k_t0);
    }
    SECTION("the configured limits apply without flags") {
        fill(options.path);
        options.overrides.config_path =
            dir.write("store.toml", "[store]\ncache_max_age_days = 2\nlog_max_age_days = 1\n")
                .string();
        const auto r = run(options);
        CHECK(r.out.starts_with("removed 7 replies and 1 card; "));
    }
    SECTION("bad flags are usage errors saying what was expected") {
        options.older_than = "7 days";
        try {
            run(options);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::usage);
            CHECK(std::string(e.what()) == "--older-than: expected a duration such as 7d, 12h, "
                                           "30m, 90s or 2w, got '7 days'");
        }
        options.older_than.reset();
        options.max_size = "0";
        try {
            run(options);
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.code() == Exit::usage);
            CHECK(std::string(e.what()) == "--max-size: expected a size above 0 (roundtable cache "
                                           "clear empties the store)");
        }
    }
    SECTION("no store: nothing to prune, nothing created") {
        const auto r = run(options);
        CHECK(r.code == 0);
        CHECK(r.out == "no store at " + options.path + ": nothing to prune\n");
        CHECK_FALSE(fs::exists(options.path));
    }
}

TEST_CASE("commands::run_cache clear") {
    TempDir dir;
    commands::CacheOptions options;
    options.action = commands::CacheOptions::Action::clear;
    options.path = (dir.path() / "roundtable.db").string();
    options.overrides.config_path = dir.write("config.toml", "").string();
    fill(options.path);
    const auto replies = [&] { return store::Store::open(options.path)->reply_count(); };

    SECTION("on a terminal it asks; anything but yes keeps the store") {
        options.stdin_is_tty = true;
        const auto r = run(options, "n\n");
        CHECK(r.code == 0);
        CHECK(r.err.starts_with("Remove every cached reply and logged card in " + options.path +
                                " (10 replies, 2 cards, "));
        CHECK(r.err.ends_with(")? [y/N] "));
        CHECK(r.out == "nothing removed\n");
        CHECK(replies() == 10);
        CHECK(run(options, "").out == "nothing removed\n"); // end of input: no
    }
    SECTION("on a terminal, yes clears") {
        options.stdin_is_tty = true;
        const auto r = run(options, "y\n");
        CHECK(r.out.starts_with("removed 10 replies and 2 cards; "));
        CHECK(replies() == 0);
    }
    SECTION("--yes does not ask") {
        options.stdin_is_tty = true;
        options.yes = true;
        const auto r = run(options);
        CHECK(r.err.empty());
        CHECK(r.out.starts_with("removed 10 replies and 2 cards; "));
        CHECK(replies() == 0);
    }
    SECTION("off a terminal (a script) it does not ask") {
        const auto r = run(options);
        CHECK(r.err.empty());
        CHECK(r.out.starts_with("removed 10 replies and 2 cards; "));
        CHECK(replies() == 0);
    }
}
