// Tests of session/session.hpp's store lifecycle: a run opens the store, its
// cached seats count hits and misses, and finish_run_store() records the run and
// keeps the store within its limits -- across runs, with an injected clock.
#include <catch2/catch.hpp>
#include <filesystem>
#include <roundtable/panel/card.hpp>
#include <roundtable/session/session.hpp>
#include <roundtable/store/store.hpp>
#include <sstream>
#include <support/scripted_provider.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::ScriptedProvider;
using roundtable::testing::TempDir;

namespace {

constexpr std::int64_t k_t0 = 1'700'000'000;
constexpr std::int64_t k_day = 86400;

providers::Request request(const std::string& user) {
    providers::Request r;
    r.system = "sys";
    r.user = user;
    r.schema_name = "take";
    r.json_schema = "{}";
    return r;
}

// One seat on a scripted provider whose replies are `reply_bytes` long.
std::vector<panel::Seat> one_seat(const std::shared_ptr<ScriptedProvider>& provider) {
    providers::SeatConfig config;
    config.name = "claude";
    config.provider = "anthropic";
    config.model = "model-x";
    config.base_url = "http://127.0.0.1:9";
    return {panel::Seat{config, provider}};
}

// A run as a command makes it: open, ask each of `users` once, log one card, finish.
void one_run(const session::StoreSetup& setup, const std::shared_ptr<ScriptedProvider>& provider,
             const std::vector<std::string>& users, std::ostream& err) {
    const session::RunStore run_store = session::open_run_store({}, err, setup);
    REQUIRE(run_store.store);
    auto seats = session::wrap_seats(one_seat(provider), run_store);
    for (const auto& user : users) {
        REQUIRE(seats[0].provider->complete(request(user)));
    }
    panel::Card card;
    card.article.title = "run";
    session::log_card(run_store, "article-" + std::to_string(run_store.store->now()), card);
    session::finish_run_store(run_store);
}

} // namespace

TEST_CASE("session::store_limits") {
    config::StoreSettings settings;
    settings.cache_max_mb = 3;
    settings.cache_max_age_days = 2;
    settings.log_max_age_days = 5;
    const store::Limits limits = session::store_limits(settings);
    CHECK(limits.max_bytes == 3 * 1024 * 1024);
    CHECK(limits.reply_max_age_s == 2 * k_day);
    CHECK(limits.card_max_age_s == 5 * k_day);
    const store::Limits defaults = session::store_limits({});
    CHECK(defaults.max_bytes == 1024LL * 1024 * 1024);
    CHECK(defaults.reply_max_age_s == 30 * k_day);
    CHECK(defaults.card_max_age_s == 90 * k_day);
}

TEST_CASE("session::finish_run_store enforces the limits across runs") {
    TempDir dir;
    std::int64_t now = k_t0;
    session::StoreSetup setup;
    setup.path = (dir.path() / "cache" / "roundtable.db").string();
    setup.clock = [&now] { return now; };
    std::ostringstream err;

    SECTION("age: a reply older than cache_max_age_days is asked again; old cards leave the log") {
        setup.settings.cache_max_age_days = 30;
        setup.settings.log_max_age_days = 45;
        auto provider =
            std::make_shared<ScriptedProvider>("model-x", [](const providers::Request& r) {
                return ScriptedProvider::text_reply("reply to " + r.user);
            });
        // Six runs ten days apart, each asking the shared question and one of its own.
        for (int run = 0; run < 6; ++run) {
            now = k_t0 + run * 10 * k_day;
            one_run(setup, provider, {"shared", "own " + std::to_string(run)}, err);
        }
        // "shared" was answered on day 0, expired after 30 days, asked again on day 40.
        std::size_t shared_calls = 0;
        for (const auto& r : provider->requests()) {
            shared_calls += r.user == "shared" ? 1 : 0;
        }
        CHECK(shared_calls == 2);
        auto store = store::Store::open(setup.path);
        REQUIRE(store);
        const auto summary = store->summary();
        REQUIRE(summary);
        // Day 50: replies written on days 20 (own 2), 30, 40 (shared, own 4), 50 are within 30
        // days.
        CHECK(summary->replies == 5);
        CHECK(summary->oldest_reply == k_t0 + 20 * k_day);
        // Cards of days 10..50 are within 45 days; day 0's is gone.
        CHECK(summary->cards == 5);
        CHECK(summary->oldest_card == k_t0 + 10 * k_day);
        // Every run was recorded with its hits and misses, newest first.
        const auto runs = store->recent_runs(10);
        REQUIRE(runs);
        REQUIRE(runs->size() == 6);
        CHECK(runs->at(0) == store::RunStats{k_t0 + 50 * k_day, 1, 1}); // day 50: shared hit
        CHECK(runs->at(1) == store::RunStats{k_t0 + 40 * k_day, 0, 2}); // day 40: shared expired
        CHECK(runs->at(5) == store::RunStats{k_t0, 0, 2});
        CHECK(err.str().empty());
    }
    SECTION(
        "size: the data never stays over cache_max_mb after a run; the newest run stays whole") {
        setup.settings.cache_max_mb = 1;
        setup.settings.cache_max_age_days = 0;
        auto provider =
            std::make_shared<ScriptedProvider>("model-x", [](const providers::Request& r) {
                return ScriptedProvider::text_reply(std::string(10000, r.user.back()));
            });
        for (int run = 0; run < 8; ++run) {
            now = k_t0 + run * 60;
            std::vector<std::string> users;
            for (int i = 0; i < 30; ++i) {
                users.push_back("run " + std::to_string(run) + " question " + std::to_string(i));
            }
            one_run(setup, provider, users, err);
            auto store = store::Store::open(setup.path);
            REQUIRE(store);
            const auto summary = store->summary();
            REQUIRE(summary);
            INFO("after run " << run);
            CHECK(summary->data_bytes <= 1024 * 1024);
            CHECK(summary->newest_reply == now);
            if (run >= 4) {
                CHECK(summary->oldest_reply > k_t0); // the first run's replies went first
            }
        }
        // The last run's 30 replies are all still there: asking again makes no call.
        const auto calls = provider->requests().size();
        std::vector<std::string> again;
        for (int i = 0; i < 30; ++i) {
            again.push_back("run 7 question " + std::to_string(i));
        }
        one_run(setup, provider, again, err);
        CHECK(provider->requests().size() == calls);
        CHECK(err.str().empty());
    }
}

TEST_CASE("session::open_run_store warnings") {
    TempDir dir;
    std::ostringstream err;
    SECTION("a damaged store is one warning; the run has a fresh store") {
        dir.write("cache/roundtable.db", std::string(5000, 'x'));
        std::filesystem::permissions(dir.path() / "cache", std::filesystem::perms::owner_all);
        session::StoreSetup setup;
        setup.path = (dir.path() / "cache" / "roundtable.db").string();
        setup.clock = [] { return k_t0; };
        const auto run_store = session::open_run_store({}, err, setup);
        CHECK(run_store.store);
        CHECK(err.str() == "roundtable: warning: the store " + setup.path +
                               " was damaged (file is not a database); moved it aside to " +
                               setup.path + ".corrupt-20231114T221320Z and started a new one\n");
    }
    SECTION("a store that cannot be opened is one warning; the run goes on without it") {
        dir.write("blocker", "x");
        session::StoreSetup setup;
        setup.path = (dir.path() / "blocker" / "roundtable.db").string();
        const auto run_store = session::open_run_store({}, err, setup);
        CHECK_FALSE(run_store.store);
        CHECK(err.str().starts_with("roundtable: warning: reply cache: cannot open database " +
                                    setup.path + ": cannot create folder "));
        session::finish_run_store(run_store); // nothing to do, nothing said
        const std::string said = err.str();
        CHECK(std::count(said.begin(), said.end(), '\n') == 1);
    }
}
