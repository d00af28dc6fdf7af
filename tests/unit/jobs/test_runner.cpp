// Panels through the batch APIs of the fake server: the same cards as synchronous calls,
// errored and expired lines resubmitted or reported, stages split at the job limits.
#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fake/fake_batch.hpp>
#include <fake/fake_panel.hpp>
#include <future>
#include <map>
#include <memory>
#include <numeric>
#include <roundtable/http/curl_transport.hpp>
#include <roundtable/jobs/runner.hpp>
#include <roundtable/jobs/sweep.hpp>
#include <roundtable/panel/prompts.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/providers/factory.hpp>
#include <roundtable/store/store.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/hash.hpp>
#include <support/codec_fixtures.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::FakeBatch;
using roundtable::testing::FakePanel;
using roundtable::testing::LineFate;

namespace {

std::vector<panel::Seat> four_seats(const FakePanel& fake) {
    const std::string base = fake.server.base_url();
    const std::vector<std::array<std::string, 4>> specs{
        {"claude", "anthropic", "claude-sonnet-4-6", base},
        {"gpt", "openai", "gpt-5", base + "/v1"},
        {"gemini", "gemini", "gemini-2.5-pro", base},
        {"grok", "xai", "grok-4", base + "/xai/v1"}};
    ::setenv("RT_TEST_BATCH_KEY", "test-key", 1);
    std::vector<panel::Seat> seats;
    for (const auto& [name, provider, model, url] : specs) {
        providers::SeatConfig c = testing::codec_seat(name, provider, model, "RT_TEST_BATCH_KEY");
        c.base_url = url;
        c.retries = 0;
        seats.push_back({c, std::shared_ptr<providers::Provider>(providers::make_provider(c))});
    }
    return seats;
}

std::vector<article::Article> corpus(int n) {
    std::vector<article::Article> out;
    for (int i = 0; i < n; ++i) {
        article::Article a;
        a.title = "Truck maker recalls 12,000 vehicles, part " + std::to_string(i);
        a.source = "test-" + std::to_string(i);
        a.text = "The company recalled 12,000 trucks over a brake defect. Shares fell 4% on the "
                 "news. Analysts expect a charge of $90 million. Article " +
                 std::to_string(i) + ".";
        a.sha256 = util::sha256_hex(a.text);
        a.chars = a.bytes = a.text.size();
        out.push_back(std::move(a));
    }
    return out;
}

panel::PanelOptions options_with_cost() {
    panel::PanelOptions options;
    options.prompts = panel::PromptSet::embedded();
    options.cost = [](const providers::SeatConfig&, const providers::TokenUsage& usage,
                      bool batch) {
        return static_cast<double>(usage.input_tokens + usage.output_tokens) / (batch ? 2e6 : 1e6);
    };
    return options;
}

jobs::RunnerOptions fast() {
    jobs::RunnerOptions r;
    r.poll = std::chrono::milliseconds(10);
    return r;
}

struct BatchRun {
    std::vector<jobs::ArticleResult> results;
    jobs::RunnerStats stats;
    std::vector<std::size_t> order; // articles in the order their results came
};

BatchRun run(const std::vector<article::Article>& articles, const std::vector<panel::Seat>& seats,
             const panel::PanelOptions& options, const jobs::RunnerOptions& runner) {
    auto transport = http::make_curl_transport();
    BatchRun out;
    out.results.resize(articles.size());
    out.stats = jobs::run_batch_panels(articles, seats, options, *transport, runner,
                                       [&](jobs::ArticleResult r) {
                                           out.order.push_back(r.index);
                                           out.results[r.index] = std::move(r);
                                       });
    return out;
}

void same_card(const panel::Card& batch, const panel::Card& sync) {
    REQUIRE(batch.takes.size() == sync.takes.size());
    for (std::size_t i = 0; i < sync.takes.size(); ++i) {
        CHECK(batch.takes[i].seat == sync.takes[i].seat);
        CHECK(batch.takes[i].stance == sync.takes[i].stance);
        CHECK(batch.takes[i].headline == sync.takes[i].headline);
        CHECK(batch.takes[i].analysis == sync.takes[i].analysis);
    }
    REQUIRE(batch.rebuttals.size() == sync.rebuttals.size());
    for (std::size_t i = 0; i < sync.rebuttals.size(); ++i) {
        CHECK(batch.rebuttals[i].text == sync.rebuttals[i].text);
    }
    CHECK(batch.consensus.vote_label() == sync.consensus.vote_label());
    CHECK(batch.consensus.chair == sync.consensus.chair);
    CHECK(batch.consensus.summary == sync.consensus.summary);
    CHECK(batch.consensus.synthesized == sync.consensus.synthesized);
    CHECK(batch.usage.calls == sync.usage.calls);
    CHECK(batch.usage.input_tokens == sync.usage.input_tokens);
    CHECK(batch.usage.output_tokens == sync.usage.output_tokens);
}

// Checks a card whose gpt seat (the second) failed as expired, the others answering.
void gpt_expired(const panel::Card& card) {
    REQUIRE(card.seats.size() == 4);
    CHECK_FALSE(card.seats[1].ok);
    CHECK(card.seats[1].error.find("expired") != std::string::npos);
    CHECK(card.takes.size() == 3);
}

} // namespace

TEST_CASE("runner::a corpus through the batch APIs gets the cards synchronous calls get") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(30));
    const auto seats = four_seats(fake);
    const auto articles = corpus(3);
    const auto options = options_with_cost();
    std::vector<panel::Card> sync;
    for (const auto& a : articles) {
        sync.push_back(panel::run_panel(a, seats, options));
    }
    std::vector<std::string> progress;
    auto runner = fast();
    runner.progress = [&](const std::string& line) { progress.push_back(line); };
    const BatchRun out = run(articles, seats, options, runner);
    for (std::size_t i = 0; i < articles.size(); ++i) {
        INFO("article " << i);
        REQUIRE(out.results[i].card);
        same_card(*out.results[i].card, sync[i]);
        // Every call was answered through a batch job: billed at the batch rate, half here.
        CHECK(out.results[i].card->usage.cost_usd == Approx(sync[i].usage.cost_usd / 2));
    }
    // Takes (one job per seat), rebuttals (one per seat), then the chair's job.
    CHECK(out.stats.passes == 3);
    CHECK(out.stats.jobs == 9);
    CHECK(batch.jobs_created() == 9);
    CHECK(batch.lines_submitted() == 3 * 4 + 3 * 4 + 3);
    CHECK(out.stats.sync_calls == 0);
    CHECK(out.stats.resubmitted == 0);
    CHECK(progress.size() >= 9); // at least one line per job submitted
}

TEST_CASE("runner::errored and expired lines are submitted again, then reported") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(0));
    const auto seats = four_seats(fake);
    const auto articles = corpus(2);
    const auto options = options_with_cost();

    SECTION("a line that fails once is resubmitted; the other article moves on meanwhile") {
        auto seen = std::make_shared<int>(0); // custom ids are new at each submission
        batch.set_fate([seen](const std::string& id, int) {
            return id.ends_with("-a0-s1") && ++*seen == 1 ? LineFate::errored : LineFate::answer;
        });
        const BatchRun out = run(articles, seats, options, fast());
        for (const auto& r : out.results) {
            REQUIRE(r.card);
            CHECK(r.card->takes.size() == 4);
            for (const auto& s : r.card->seats) {
                CHECK(s.ok);
            }
        }
        CHECK(out.stats.resubmitted == 1);
        CHECK(out.stats.failed_lines == 1);
        // Article 1 went on to its rebuttals while article 0 waited for gpt's take again, so
        // article 1's card came first, and article 0 took one pass more.
        CHECK(out.order == std::vector<std::size_t>{1, 0});
        CHECK(out.stats.passes == 4);
    }
    SECTION("a seat whose lines always expire fails with the reason; every article still ends") {
        batch.set_fate([](const std::string& id, int) {
            return id.ends_with("-s1") ? LineFate::expired : LineFate::answer;
        });
        const BatchRun out = run(articles, seats, options, fast());
        CHECK(out.order.size() == 2);
        for (const auto& r : out.results) {
            REQUIRE(r.card);
            gpt_expired(*r.card);
        }
        CHECK(out.stats.resubmitted == 2); // once per article, then given up
    }
    SECTION("--finish-sync answers what still fails synchronously") {
        batch.set_fate([](const std::string& id, int) {
            return id.ends_with("-s1") ? LineFate::expired : LineFate::answer;
        });
        auto runner = fast();
        runner.finish_sync = true;
        const BatchRun out = run(articles, seats, options, runner);
        for (const auto& r : out.results) {
            REQUIRE(r.card);
            for (const auto& s : r.card->seats) {
                CHECK(s.ok);
            }
        }
        CHECK(out.stats.sync_calls == 4); // gpt's take and rebuttal, per article
    }
    SECTION("every seat failing ends each article with the quorum error") {
        batch.set_fate([](const std::string&, int) { return LineFate::errored; });
        const BatchRun out = run(articles, seats, options, fast());
        for (const auto& r : out.results) {
            CHECK_FALSE(r.card);
            CHECK(r.error.find("quorum") != std::string::npos);
        }
    }
}

TEST_CASE("runner::a stage larger than the job limit is split into several jobs") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(0));
    const auto seats = four_seats(fake);
    const auto articles = corpus(5);
    auto runner = fast();
    runner.max_requests = 2;
    const BatchRun out = run(articles, seats, options_with_cost(), runner);
    for (const auto& r : out.results) {
        CHECK(r.card);
    }
    CHECK(batch.largest_job() == 2);
    // Takes and rebuttals: 3 jobs per seat each (2 + 2 + 1); chairs: 3 jobs for claude.
    CHECK(out.stats.jobs == 4 * 3 + 4 * 3 + 3);
}

TEST_CASE("runner::a byte limit splits too; a line larger than the limit goes alone") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(0));
    const auto seats = four_seats(fake);
    auto runner = fast();
    runner.max_bytes = 1;
    const BatchRun out = run(corpus(2), seats, options_with_cost(), runner);
    for (const auto& r : out.results) {
        CHECK(r.card);
    }
    CHECK(batch.largest_job() == 1);
    CHECK(out.stats.jobs == batch.lines_submitted());
}

TEST_CASE("runner::the broker gathers panels started on other threads into shared jobs") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(20));
    const auto seats = four_seats(fake);
    const auto articles = corpus(3);
    const auto options = options_with_cost();
    auto transport = http::make_curl_transport();
    jobs::Broker broker(seats, options, *transport, fast(), std::chrono::milliseconds(100), 3);
    std::vector<std::future<panel::Card>> cards;
    for (const auto& a : articles) {
        cards.push_back(std::async(std::launch::async, [&broker, &a] { return broker.run(a); }));
    }
    for (std::size_t i = 0; i < articles.size(); ++i) {
        const panel::Card card = cards[i].get();
        same_card(card, panel::run_panel(articles[i], seats, options));
    }
    // The three panels shared each pass's jobs: one per seat and stage, as in one run.
    CHECK(broker.stats().jobs == 9);
    CHECK(batch.jobs_created() == 9);
}

// ---- sweeps (jobs/sweep.hpp): the panels rebuilt from the reply cache at each sweep ----

namespace {

std::shared_ptr<store::Store> open_store(const testing::TempDir& dir) {
    auto opened = store::Store::open((dir.path() / "rt.db").string());
    REQUIRE(opened.has_value());
    return std::make_shared<store::Store>(std::move(*opened));
}

std::vector<panel::Seat> cached(std::vector<panel::Seat> seats,
                                const std::shared_ptr<store::Store>& store,
                                providers::CacheMode mode = providers::CacheMode::read_write) {
    for (auto& seat : seats) {
        seat.provider = std::make_shared<providers::CachingProvider>(
            seat.provider, store, seat.config.base_url, mode, nullptr);
    }
    return seats;
}

struct Swept {
    std::map<std::size_t, panel::Card> cards;
    std::map<std::size_t, std::string> errors;
    std::vector<std::size_t> flushed; // requests out per flush
    jobs::RunnerStats stats;
};

// Runs sweeps over `articles` until none waits, as the batch command does.
Swept sweep_all(const std::vector<article::Article>& articles,
                const std::vector<panel::Seat>& seats, const panel::PanelOptions& options,
                const jobs::RunnerOptions& runner) {
    auto transport = http::make_curl_transport();
    jobs::Sweeper sweeper(seats, options, *transport, runner);
    Swept out;
    std::vector<std::size_t> waiting(articles.size());
    std::iota(waiting.begin(), waiting.end(), 0);
    while (!waiting.empty()) {
        std::vector<std::size_t> next;
        for (std::size_t i : waiting) {
            try {
                if (auto card = sweeper.run("a" + std::to_string(i), articles[i])) {
                    out.cards.emplace(i, std::move(*card));
                } else {
                    next.push_back(i);
                }
            } catch (const Error& e) {
                out.errors.emplace(i, e.what());
            }
        }
        if (next.empty()) {
            break;
        }
        out.flushed.push_back(sweeper.flush());
        REQUIRE(out.flushed.size() < 12); // sweeps end
        waiting = std::move(next);
    }
    out.stats = sweeper.stats();
    return out;
}

} // namespace

TEST_CASE("sweep::a corpus in sweeps gets the cards synchronous calls get, at the batch price") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(30));
    testing::TempDir dir;
    const auto store = open_store(dir);
    const auto seats = cached(four_seats(fake), store);
    const auto articles = corpus(5);
    const auto options = options_with_cost();
    std::vector<panel::Card> sync;
    for (const auto& a : articles) {
        sync.push_back(panel::run_panel(a, four_seats(fake), options));
    }
    const Swept out = sweep_all(articles, seats, options, fast());
    REQUIRE(out.cards.size() == 5);
    for (std::size_t i = 0; i < articles.size(); ++i) {
        INFO("article " << i);
        same_card(out.cards.at(i), sync[i]);
        // Every reply came back in a job: billed at the batch rate (half here), not a cache hit.
        CHECK(out.cards.at(i).usage.cost_usd == Approx(sync[i].usage.cost_usd / 2));
        CHECK(out.cards.at(i).usage.cache_hits == 0);
    }
    // Every article's takes in the first flush, the rebuttals in the second, the chairs last.
    CHECK(out.flushed == std::vector<std::size_t>{20, 20, 5});
    CHECK(out.stats.jobs == 9);
    CHECK(batch.jobs_created() == 9);
    CHECK(out.stats.sync_calls == 0);

    SECTION("a later run finds every reply in the cache: cards at the first sweep, no job") {
        const Swept again = sweep_all(articles, seats, options, fast());
        CHECK(again.cards.size() == 5);
        CHECK(again.flushed.empty());
        CHECK(batch.jobs_created() == 9);
        CHECK(again.cards.at(0).usage.cache_hits == 9);
    }
}

TEST_CASE("sweep::round 1 of every article goes out in the first flush, split at the limits") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(0));
    testing::TempDir dir;
    const auto seats = cached(four_seats(fake), open_store(dir));
    auto runner = fast();
    runner.max_requests = 7;
    const Swept out = sweep_all(corpus(30), seats, options_with_cost(), runner);
    CHECK(out.cards.size() == 30);
    REQUIRE(out.flushed.size() == 3);
    CHECK(out.flushed[0] == 120);
    CHECK(batch.largest_job() == 7);
    // 30 requests per seat in jobs of 7: 5 jobs per seat and round; 30 chairs: 5 jobs.
    CHECK(out.stats.jobs == 4 * 5 + 4 * 5 + 5);
}

TEST_CASE("sweep::errored and expired lines are spooled again, then reported") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(0));
    testing::TempDir dir;
    const auto seats = cached(four_seats(fake), open_store(dir));
    const auto articles = corpus(2);
    const auto options = options_with_cost();

    SECTION("a line that fails once is submitted again and answered") {
        auto seen = std::make_shared<int>(0);
        batch.set_fate([seen](const std::string& id, int) {
            return id.ends_with("-s1") && ++*seen == 1 ? LineFate::errored : LineFate::answer;
        });
        const Swept out = sweep_all(articles, seats, options, fast());
        REQUIRE(out.cards.size() == 2);
        for (const auto& [i, card] : out.cards) {
            for (const auto& s : card.seats) {
                CHECK(s.ok);
            }
        }
        CHECK(out.stats.resubmitted == 1);
        CHECK(out.stats.failed_lines == 1);
        CHECK(out.flushed.size() == 4); // one sweep more for the line submitted again
    }
    SECTION("a seat whose lines always expire fails with the reason; every article still ends") {
        batch.set_fate([](const std::string& id, int) {
            return id.ends_with("-s1") ? LineFate::expired : LineFate::answer;
        });
        const Swept out = sweep_all(articles, seats, options, fast());
        REQUIRE(out.cards.size() == 2);
        for (const auto& [i, card] : out.cards) {
            gpt_expired(card);
        }
        CHECK(out.stats.resubmitted == 2); // once per article, then given up
    }
    SECTION("--finish-sync answers what still fails synchronously") {
        batch.set_fate([](const std::string& id, int) {
            return id.ends_with("-s1") ? LineFate::expired : LineFate::answer;
        });
        auto runner = fast();
        runner.finish_sync = true;
        const Swept out = sweep_all(articles, seats, options, runner);
        REQUIRE(out.cards.size() == 2);
        for (const auto& [i, card] : out.cards) {
            for (const auto& s : card.seats) {
                CHECK(s.ok);
            }
        }
        CHECK(out.stats.sync_calls == 4); // gpt's take and rebuttal, per article
    }
    SECTION("every seat failing ends each article with the quorum error") {
        batch.set_fate([](const std::string&, int) { return LineFate::errored; });
        const Swept out = sweep_all(articles, seats, options, fast());
        CHECK(out.cards.empty());
        REQUIRE(out.errors.size() == 2);
        for (const auto& [i, error] : out.errors) {
            CHECK(error.find("quorum") != std::string::npos);
        }
    }
}

TEST_CASE("sweep::usable only with a reading and writing cache on every batch seat") {
    FakePanel fake;
    testing::TempDir dir;
    const auto store = open_store(dir);
    panel::PanelOptions options;
    CHECK(jobs::Sweeper::usable(cached(four_seats(fake), store), options));
    CHECK_FALSE(jobs::Sweeper::usable(four_seats(fake), options));
    CHECK_FALSE(jobs::Sweeper::usable(
        cached(four_seats(fake), store, providers::CacheMode::refresh), options));
    options.offline = true;
    CHECK_FALSE(jobs::Sweeper::usable(cached(four_seats(fake), store), options));
}

TEST_CASE("sweep::a reply that says what it was billed is billed that, in a job too") {
    FakePanel fake;
    FakeBatch batch(fake.server, std::chrono::milliseconds(30));
    batch.set_billed_share(0.5); // the batch lines bill half of what the same call bills alone
    testing::TempDir dir;
    const auto store = open_store(dir);
    const auto articles = corpus(2);
    const auto options = options_with_cost();
    const panel::Card priced = panel::run_panel(articles[0], four_seats(fake), options);
    fake.xai_cost_ticks = 30'000'000; // each grok call says it cost 0.003 USD
    const panel::Card billed = panel::run_panel(articles[0], four_seats(fake), options);
    // grok's take and rebuttal: 0.003 each as billed instead of (1000 + 200) / 1e6 each.
    CHECK(billed.usage.cost_usd - priced.usage.cost_usd == Approx(2 * (0.003 - 0.0012)));

    const Swept out = sweep_all(articles, cached(four_seats(fake), store), options, fast());
    REQUIRE(out.cards.size() == 2);
    // In jobs: the other seats at the catalogue's batch rate (half here), grok at what its
    // batch lines say (half here too), kept through the reply cache the panels are rebuilt from.
    CHECK(out.cards.at(0).usage.cost_usd == Approx(billed.usage.cost_usd / 2));
}
