#include <atomic>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/batch/runner.hpp>
#include <roundtable/util/error.hpp>
#include <set>
#include <sstream>
#include <support/temp_dir.hpp>

using namespace roundtable;
using namespace roundtable::batch;
using nlohmann::json;
using roundtable::testing::TempDir;

namespace {

panel::Card make_card(const article::Article& a) {
    panel::Card card;
    card.article.title = a.title;
    card.article.source = a.source;
    card.article.sha256 = a.sha256;
    card.seats = {{"bull", "offline", "bull", true, "", "", {}},
                  {"bear", "offline", "bear", false, "timeout", "", {}}};
    panel::Take take;
    take.seat = "bull";
    take.stance =
        a.text.find("down") != std::string::npos ? panel::Stance::bearish : panel::Stance::bullish;
    take.ungrounded = {"42%"};
    card.takes = {take};
    card.consensus.stance = take.stance;
    card.consensus.votes.add(take.stance);
    card.consensus.agreement = 1.0;
    card.usage.calls = 3;
    card.usage.input_tokens = 10;
    card.usage.cost_usd = 0.5;
    return card;
}

} // namespace

TEST_CASE("runner::lines") {
    SECTION("card_line and error_line") {
        article::Article a;
        a.text = "up";
        auto line = json::parse(card_line("x\"1", make_card(a)));
        CHECK(line.at("id") == "x\"1");
        CHECK(line.at("card").at("consensus").at("stance") == "bullish");
        auto err = json::parse(error_line("y", "y: input is empty", 2));
        CHECK(err == json{{"id", "y"}, {"error", "y: input is empty"}, {"exit", 2}});
    }
    SECTION("an id that is not UTF-8 (a file name on Linux) is written with U+FFFD, as an error "
            "line writes it, and the card is kept") {
        article::Article a;
        a.text = "up";
        const std::string id = "story-\xff\xfe.txt";
        auto line = json::parse(card_line(id, make_card(a)));
        CHECK(line.at("id") == "story-\xef\xbf\xbd\xef\xbf\xbd.txt");
        CHECK(line.at("card").at("consensus").at("stance") == "bullish");
        CHECK(json::parse(error_line(id, "why", 2)).at("id") == line.at("id"));
    }
    SECTION("card_facts counts ungrounded claims and failed seats") {
        article::Article a;
        a.text = "down";
        auto f = card_facts(make_card(a));
        CHECK(f.stance == "bearish");
        CHECK(f.agreement == 1.0);
        CHECK(f.ungrounded == 1);
        CHECK(f.failed_seats == 1);
    }
}

TEST_CASE("runner::run_corpus") {
    TempDir dir;
    dir.write("c/a.txt", "up");
    dir.write("c/b.txt", "down");
    dir.write("c/empty.txt", "");
    dir.write("c/quorum.txt", "q");
    auto list = dir.write("l.jsonl", "{\"id\":\"t1\",\"text\":\"up up\"}\nnope\n");
    std::atomic<int> runs{0};
    RunnerHooks hooks;
    hooks.read = [](const InputItem& item) {
        if (item.kind == InputItem::Kind::text) {
            return article::from_bytes(item.value, item.id);
        }
        return article::read_file(item.value);
    };
    hooks.run = [&](const InputItem&, const article::Article& a) {
        ++runs;
        if (a.text == "q") {
            throw Error(Exit::quorum, "only 1 of 4 seats answered");
        }
        return make_card(a);
    };
    std::ostringstream out, err;
    LineWriter writer(out);
    RunnerOptions options;
    options.inputs = {(dir.path() / "c").string(), list.string()};
    options.jobs = 3;
    auto lines = [&] {
        std::map<std::string, json> by_id;
        std::istringstream in(out.str());
        std::string line;
        while (std::getline(in, line)) {
            auto j = json::parse(line);
            by_id[j.at("id")] = j;
        }
        return by_id;
    };

    SECTION("every article gives one line; failures are error lines with their exit codes") {
        auto policies = parse_policies({"stance=bearish", "ungrounded>0"});
        REQUIRE(policies);
        options.policies = *policies;
        auto totals = run_corpus(options, hooks, writer, err);
        auto by_id = lines();
        REQUIRE(by_id.size() == 6);
        CHECK(by_id.at("a.txt").at("card").at("consensus").at("stance") == "bullish");
        CHECK(by_id.at("b.txt").at("card").at("consensus").at("stance") == "bearish");
        CHECK(by_id.at("t1").contains("card"));
        CHECK(by_id.at("empty.txt").at("exit") == 2);
        CHECK(by_id.at("empty.txt").at("error") ==
              (dir.path() / "c/empty.txt").string() + ": input is empty");
        CHECK(by_id.at("quorum.txt").at("exit") == 3);
        CHECK(by_id.at("quorum.txt").at("error") == "only 1 of 4 seats answered");
        std::string where = list.string() + ":2";
        CHECK(by_id.at(where).at("error") == where + ": not valid JSON");
        CHECK(totals.cards == 3);
        CHECK(totals.failed == 3);
        CHECK(totals.failures.at("input") == 2);
        CHECK(totals.failures.at("quorum") == 1);
        CHECK(totals.worst_exit == 3);
        CHECK(totals.stances.at("bullish") == 2);
        CHECK(totals.stances.at("bearish") == 1);
        CHECK(totals.calls == 9);
        CHECK(totals.cost_usd == Approx(1.5));
        std::set<std::pair<std::string, std::string>> matches(totals.policy_matches.begin(),
                                                              totals.policy_matches.end());
        CHECK(matches.count({"stance=bearish", "b.txt"}) == 1);
        CHECK(matches.count({"ungrounded>0", "a.txt"}) == 1);
        CHECK(matches.size() == 4);
        CHECK(err.str().empty()); // no progress line when not asked
        auto summary = format_summary(totals);
        CHECK(summary.find("roundtable: batch: 3 cards, 3 failed\n") == 0);
        CHECK(summary.find("roundtable: stances: bearish 1, neutral 0, bullish 2, split 0\n") !=
              std::string::npos);
        CHECK(summary.find("roundtable: failures: input 2, quorum 1\n") != std::string::npos);
        CHECK(summary.find("calls 9 (0 from cache), tokens 30 in / 0 out, cost $1.5000") !=
              std::string::npos);
    }
    SECTION("done ids and other shards are skipped without running; duplicates run once") {
        options.inputs.push_back((dir.path() / "c").string());
        options.done = {"a.txt", "t1"};
        auto totals = run_corpus(options, hooks, writer, err);
        CHECK(totals.skipped_done == 3); // a.txt twice, t1
        CHECK(totals.duplicates == 3);
        CHECK(runs == 2); // b.txt and quorum.txt
        CHECK(lines().count("a.txt") == 0);
    }
    SECTION("progress: the articles are counted first, then each end is reported once") {
        options.count_planned = true;
        std::vector<RunnerProgress> seen;
        hooks.on_progress = [&](const RunnerProgress& p) { seen.push_back(p); };
        run_corpus(options, hooks, writer, err);
        REQUIRE(seen.size() == 7); // the count, then six articles
        CHECK(seen.front().planned == 6);
        CHECK(seen.front().cards + seen.front().failed == 0);
        CHECK(seen.back().cards == 3);
        CHECK(seen.back().failed == 3);
        for (std::size_t i = 1; i < seen.size(); ++i) {
            CHECK(seen[i].cards + seen[i].failed == i);
        }
        CHECK(err.str().empty()); // the runner draws nothing itself
    }
}

TEST_CASE("runner::article_facts") {
    panel::Card card;
    card.article.title = "Widgets recall";
    card.seats = {{"bull", "offline", "bull", true, "", "", {}},
                  {"bear", "offline", "bear", true, "", "", {}},
                  {"quant", "offline", "quant", false, "timeout", "", {}}};
    panel::Take bull;
    bull.seat = "bull";
    bull.stance = panel::Stance::bullish;
    panel::Take bear;
    bear.seat = "bear";
    bear.stance = panel::Stance::bearish;
    card.takes = {bull, bear};
    panel::Rebuttal shift;
    shift.seat = "bull";
    shift.stance_after = panel::Stance::neutral;
    card.rebuttals = {shift};
    card.usage.cost_usd = 0.25;

    const auto af = batch::article_facts("story-1", card);
    CHECK(af.id == "story-1");
    CHECK(af.title == "Widgets recall");
    CHECK(af.cost_usd == 0.25);
    // The final stance: the rebuttal's where there is one; "" for a seat that failed.
    using Pair = std::pair<std::string, std::string>;
    CHECK(af.seat_stances ==
          std::vector<Pair>{{"bull", "neutral"}, {"bear", "bearish"}, {"quant", ""}});
}
