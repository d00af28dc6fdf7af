// End to end: `roundtable score` and `roundtable batch --report --outcomes` run
// as the built binary on cards the offline panel wrote for the example articles,
// against outcomes files written here (and examples/outcomes.csv).
//
// The offline panel's cards of the three examples (deterministic):
//   truck recall  bearish 4-0; round 1 all bearish; bull .91 after the rebuttal, others .95
//   merger        bearish 3-1; round 1 bull bullish .56, bear .71, skeptic .54, quant .65;
//                 after: bull neutral .53, bear .66, skeptic .5, quant .6 (all bearish)
//   solar         bullish 4-0, every seat .95 in both rounds
// examples/outcomes.csv says truck bearish (-6.1%), merger neutral (+0.4%), solar bullish
// (+3.4%), so by hand: bull round 1 2/3, final 3/3 (its shift to neutral moved toward the
// outcome); the other seats 2/3 in both rounds; the panel's votes 2/3; 4-0 right twice, 3-1
// wrong once; the baseline a three-way tie, bearish, 1/3.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> k_no_keys{"ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY",
                                         "GOOGLE_API_KEY", "XAI_API_KEY"};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RunSpec spec_in(const TempDir& dir, std::vector<std::string> args) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.unset = k_no_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    spec.env["XDG_CONFIG_HOME"] = (dir.path() / "config").string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

// Runs the offline panel over examples/ into DIR/cards.jsonl and returns its path.
std::string example_cards(const TempDir& dir) {
    const auto cards = (dir.path() / "cards.jsonl").string();
    auto r =
        run_binary(spec_in(dir, {"batch", source_path("examples"), "--jsonl", cards, "--quiet"}));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return cards;
}

const std::string k_outcomes = source_path("examples/outcomes.csv");

const std::string k_table =
    "SEAT      MODEL            N  ROUND 1   FINAL  95% CI             BRIER\n"
    "bull      offline-bull     3   0.6667  1.0000  [0.4385, 1.0000]  0.1158\n"
    "bear      offline-bear     3   0.6667  0.6667  [0.2077, 0.9385]  0.3870\n"
    "skeptic   offline-skeptic  3   0.6667  0.6667  [0.2077, 0.9385]  0.2942\n"
    "quant     offline-quant    3   0.6667  0.6667  [0.2077, 0.9385]  0.3492\n"
    "panel     vote             3   0.6667  0.6667  [0.2077, 0.9385]  0.2865\n"
    "baseline  always bearish   3        -  0.3333  [0.0615, 0.7923]       -\n";

std::string dom_of(const fs::path& page) {
    return chromium_dom(page.string());
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_CASE("e2e::score the offline panel's cards of the examples") {
    TempDir dir;
    const std::string cards = example_cards(dir);

    SECTION("the text table") {
        auto r = run_binary(spec_in(dir, {"score", cards, "--outcomes", k_outcomes}));
        INFO(r.out);
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out.starts_with("roundtable score: 3 of 3 cards scored (returns banded at ±0.01)\n"
                                "not scored: 0 cards without an outcome, 0 outcomes without a "
                                "card\n\n" +
                                k_table));
        CHECK(
            r.out.find("final vote: 3 scored, 0 split (abstained); round-1 vote: 3 scored, 0 "
                       "split\nshifts in the rebuttal round: 1 (1 toward the outcome, 0 away)\n") !=
            std::string::npos);
        CHECK(r.out.find("VOTE  N  ACCURACY  SPLIT\n"
                         "4-0   2    1.0000      0\n"
                         "3-1   1    0.0000      0\n") != std::string::npos);
        CHECK(r.out.find("bull     0.5-0.6     1     0.5300    1.0000\n"
                         "         0.9-1.0     2     0.9300    1.0000\n") != std::string::npos);
    }
    SECTION("README shows this very output") {
        auto r = run_binary(spec_in(dir, {"score", cards, "--outcomes", k_outcomes}));
        REQUIRE(r.exit_code == 0);
        const std::string readme = slurp(source_path("README.md"));
        const std::string prompt =
            "$ roundtable score cards.jsonl --outcomes examples/outcomes.csv\n";
        const auto start = readme.find(prompt);
        REQUIRE(start != std::string::npos);
        const auto body = start + prompt.size();
        CHECK(readme.substr(body, readme.find("```", body) - body) == r.out);
    }
    SECTION("the JSON contract, valid against `roundtable schema score`") {
        auto r = run_binary(
            spec_in(dir, {"score", cards, "--outcomes", k_outcomes, "--format", "json"}));
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(r.out);
        CHECK(j.at("schema") == "roundtable.score/v1");
        CHECK(j.at("articles") == json::parse(R"({"cards":3,"scored":3,"no_outcome":0,
            "no_card":0,"duplicates":0,"failed":0})"));
        CHECK(j.at("baseline") == json::parse(R"({"label":"bearish","n":3,"accuracy":0.3333})"));
        const json& bull = j.at("seats").at(0);
        CHECK(bull.at("seat") == "bull");
        CHECK(bull.at("accuracy_round1") == 0.6667);
        CHECK(bull.at("accuracy_final") == 1.0);
        CHECK(bull.at("accuracy_final_ci") == json::array({0.4385, 1.0}));
        CHECK(bull.at("brier") == 0.1158); // (.01215 + .33135 + .00375) / 3
        CHECK(bull.at("calibration").at(9) ==
              json::parse(R"({"low":0.9,"high":1.0,"n":2,"mean_confidence":0.93,"accuracy":1.0})"));
        const json& panel = j.at("panel");
        CHECK(panel.at("accuracy_round1_vote") == 0.6667);
        CHECK(panel.at("accuracy_final_vote") == 0.6667);
        CHECK(panel.at("by_agreement") == json::parse(R"([
            {"votes":"4-0","n":2,"accuracy":1.0,"abstained":0},
            {"votes":"3-1","n":1,"accuracy":0.0,"abstained":0}])"));
        CHECK(panel.at("shifts") ==
              json::parse(R"({"n":1,"toward_outcome":1,"away_from_outcome":0})"));

        auto schema = run_binary(spec_in(dir, {"schema", "score"}));
        REQUIRE(schema.exit_code == 0);
        auto schema_path = dir.write("score.schema.json", schema.out);
        auto score_path = dir.write("score.json", r.out);
        RunSpec validate;
        validate.program = "/usr/bin/python3";
        validate.args = {source_path("tests/schema/validate_card.py"), schema_path.string(),
                         score_path.string()};
        auto v = run_binary(validate);
        INFO(v.err);
        CHECK(v.exit_code == 0);
    }
    SECTION("the HTML page, opened in headless Chromium") {
        const auto page = dir.path() / "score.html";
        auto r = run_binary(spec_in(dir, {"score", cards, "--outcomes", k_outcomes, "--format",
                                          "html", "-o", page.string()}));
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.empty());
        const std::string html = slurp(page);
        CHECK(count(html, "<svg class=\"reliability\"") == 4);
        CHECK(html.find("<script") == std::string::npos);
        const std::string dom = dom_of(page);
        if (!dom.empty()) {
            CHECK(count(dom, "<svg class=\"reliability\"") == 4);
            CHECK(count(dom, "class=\"diagonal\"") == 4);
            CHECK(count(dom, "<circle class=\"bin\"") == 8); // two bins per seat
            CHECK(dom.find("<svg class=\"rounds\"") != std::string::npos);
            CHECK(dom.find("<svg class=\"agreement\"") != std::string::npos);
            CHECK(dom.find("<table class=\"score\">") != std::string::npos);
        }
    }
    SECTION("--fail-on: the panel, the pooled Brier, a seat") {
        auto run = [&](std::vector<std::string> policies) {
            std::vector<std::string> args{"score", cards, "--outcomes", k_outcomes};
            for (auto& p : policies) {
                args.insert(args.end(), {"--fail-on", p});
            }
            return run_binary(spec_in(dir, args));
        };
        auto pass = run({"accuracy<0.6", "brier>0.5", "seat:bull:accuracy<1"});
        INFO(pass.err);
        CHECK(pass.exit_code == 0);
        CHECK(pass.err.empty());
        auto panel = run({"accuracy<0.7"});
        CHECK(panel.exit_code == 1);
        CHECK(panel.err == "roundtable: --fail-on accuracy<0.7 matched: the figure is 0.6667\n");
        CHECK(panel.out.find(k_table) != std::string::npos); // the score is still printed
        auto brier = run({"brier>0.2"});
        CHECK(brier.exit_code == 1);
        CHECK(brier.err == "roundtable: --fail-on brier>0.2 matched: the figure is 0.2865\n");
        auto seat = run({"seat:bear:accuracy<0.7,seat:bull:accuracy-round1<0.5"});
        CHECK(seat.exit_code == 1);
        CHECK(seat.err ==
              "roundtable: --fail-on seat:bear:accuracy<0.7 matched: the figure is 0.6667\n");
        auto unknown = run({"seat:gpt:accuracy<0.5"});
        CHECK(unknown.exit_code == 2);
        CHECK(unknown.out.empty());
        CHECK(unknown.err == "roundtable: error: --fail-on 'seat:gpt:accuracy<0.5': no seat 'gpt' "
                             "in the cards (seats: bull, bear, skeptic, quant)\n");
        auto bad = run({"precision<0.5"});
        CHECK(bad.exit_code == 2);
        CHECK(bad.err.starts_with("roundtable: error: --fail-on 'precision<0.5': expected FIGURE "
                                  "OP NUMBER"));
    }
    SECTION("ids on one side only are counted, and listed with --verbose") {
        auto outcomes = dir.write("o.csv", "id,label\n"
                                           "bearish-truck-recall.txt,bearish\n"
                                           "bullish-solar-storage-expansion.txt,bullish\n"
                                           "not-in-the-corpus.txt,neutral\n");
        auto r = run_binary(spec_in(dir, {"score", cards, "--outcomes", outcomes.string()}));
        CHECK(r.exit_code == 0);
        CHECK(r.out.starts_with("roundtable score: 2 of 3 cards scored (returns banded at ±0.01)\n"
                                "not scored: 1 card without an outcome, 1 outcome without a "
                                "card\n"));
        CHECK(r.err == "roundtable: not scored: 1 card without an outcome, 1 outcome without a "
                       "card; 0 duplicate card ids (--verbose lists the ids)\n");
        auto v = run_binary(
            spec_in(dir, {"score", cards, "--outcomes", outcomes.string(), "--verbose"}));
        CHECK(v.exit_code == 0);
        CHECK(v.err == "roundtable: no outcome for card: mixed-streaming-merger.txt\n"
                       "roundtable: no card for outcome: not-in-the-corpus.txt\n");
        auto j = run_binary(spec_in(
            dir, {"score", cards, "--outcomes", outcomes.string(), "--verbose", "-f", "json"}));
        const json a = json::parse(j.out).at("articles");
        CHECK(a.at("no_outcome_ids") == json::array({"mixed-streaming-merger.txt"}));
        CHECK(a.at("no_card_ids") == json::array({"not-in-the-corpus.txt"}));
        // No id in common: nothing scored, said so.
        auto none = dir.write("none.csv", "id,label\nelsewhere,bullish\n");
        auto n = run_binary(spec_in(dir, {"score", cards, "--outcomes", none.string(), "-q"}));
        CHECK(n.exit_code == 0);
        CHECK(n.err.empty());
        auto w = run_binary(spec_in(dir, {"score", cards, "--outcomes", none.string()}));
        CHECK(w.err.find("roundtable: warning: no card has an outcome, nothing was scored") !=
              std::string::npos);
    }
    SECTION("a CSV with a bad row: a line-numbered error, exit 2, nothing on stdout") {
        auto bad = dir.write("bad.csv", "# outcomes\nid,label\nbearish-truck-recall.txt,bearish\n"
                                        "mixed-streaming-merger.txt,sideways\n");
        auto r = run_binary(spec_in(dir, {"score", cards, "--outcomes", bad.string()}));
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == "roundtable: error: " + bad.string() +
                           ":4: label 'sideways' for id 'mixed-streaming-merger.txt': expected "
                           "bearish, neutral or bullish\n");
        auto ret = dir.write("ret.csv", "id,return\na,0.01\nb,+2%\n");
        auto rr = run_binary(spec_in(dir, {"score", cards, "--outcomes", ret.string()}));
        CHECK(rr.exit_code == 2);
        CHECK(rr.err == "roundtable: error: " + ret.string() +
                            ":3: return '+2%' for id 'b': expected a number (a fraction: 0.023 is "
                            "+2.3%)\n");
    }
    SECTION("JSONL outcomes with returns and a wider band") {
        auto o = dir.write("o.jsonl", R"({"id":"bearish-truck-recall.txt","return":-0.061}
{"id":"bullish-solar-storage-expansion.txt","return":0.034}
{"id":"mixed-streaming-merger.txt","return":-0.04}
)");
        // At 0.05 only the truck recall (-6.1%) leaves the band: solar and merger are neutral.
        auto r = run_binary(spec_in(
            dir, {"score", cards, "--outcomes", o.string(), "--band", "0.05", "-f", "json"}));
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(r.out);
        CHECK(j.at("band") == 0.05);
        CHECK(j.at("baseline") == json::parse(R"({"label":"neutral","n":3,"accuracy":0.6667})"));
        CHECK(j.at("panel").at("accuracy_final_vote") == 0.3333);
        auto bad_band =
            run_binary(spec_in(dir, {"score", cards, "--outcomes", o.string(), "--band", "-0.01"}));
        CHECK(bad_band.exit_code == 2);
        CHECK(bad_band.err ==
              "roundtable: error: --band: expected a fraction of at least 0 (0.01 is 1%), got "
              "-0.01\n");
    }
    SECTION("--from-log: the cards the batch logged") {
        auto all = run_binary(spec_in(dir, {"score", "--from-log", "--outcomes", k_outcomes}));
        INFO(all.err);
        CHECK(all.exit_code == 0);
        CHECK(all.out.find(k_table) != std::string::npos);
        auto one = run_binary(spec_in(dir, {"score", "--from-log", "bearish-truck-recall.txt",
                                            "--outcomes", k_outcomes, "-f", "json"}));
        CHECK(one.exit_code == 0);
        CHECK(json::parse(one.out).at("articles").at("scored") == 1);
        auto missing = run_binary(
            spec_in(dir, {"score", "--from-log", "no-such-id", "--outcomes", k_outcomes}));
        CHECK(missing.exit_code == 2);
        CHECK(missing.err == "roundtable: error: no card matches 'no-such-id'\n");
    }
    SECTION("bad card files") {
        auto text = slurp(cards);
        auto broken = dir.write("broken.jsonl", text.substr(0, text.find('\n') + 1) + "{oops\n");
        auto r = run_binary(spec_in(dir, {"score", broken.string(), "--outcomes", k_outcomes}));
        CHECK(r.exit_code == 2);
        CHECK(r.err == "roundtable: error: " + broken.string() +
                           ":2: not valid JSON (a line of roundtable batch output was expected)\n");
        auto missing = (dir.path() / "nope.jsonl").string();
        auto m = run_binary(spec_in(dir, {"score", missing, "--outcomes", k_outcomes}));
        CHECK(m.exit_code == 2);
        CHECK(m.err == "roundtable: error: " + missing + ": no such file\n");
        auto no_cards = run_binary(spec_in(dir, {"score", "--outcomes", k_outcomes}));
        CHECK(no_cards.exit_code == 2);
        auto no_outcomes = run_binary(spec_in(dir, {"score", cards}));
        CHECK(no_outcomes.exit_code == 2);
        CHECK(no_outcomes.err.find("--outcomes is required") != std::string::npos);
    }
}

TEST_CASE("e2e::batch --report with --outcomes adds the score") {
    TempDir dir;
    SECTION("the report holds the score sections and opens in Chromium") {
        const auto report = dir.path() / "report.html";
        auto r = run_binary(spec_in(dir, {"batch", source_path("examples"), "--jsonl",
                                          (dir.path() / "c.jsonl").string(), "--report",
                                          report.string(), "--outcomes", k_outcomes, "-q"}));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const std::string page = slurp(report);
        CHECK(page.find("<section class=\"score\" id=\"score\">") != std::string::npos);
        CHECK(page.find("<td>bull</td><td>offline-bull</td><td class=\"num\">3</td><td "
                        "class=\"num\">0.6667</td><td class=\"num\">1.0000</td>") !=
              std::string::npos);
        CHECK(page.find("<svg class=\"chart\"") != std::string::npos); // the report's own parts
        CHECK(page.find("<table class=\"cards\">") != std::string::npos);
        const std::string dom = dom_of(report);
        if (!dom.empty()) {
            CHECK(count(dom, "<svg class=\"reliability\"") == 4);
            CHECK(dom.find("<svg class=\"rounds\"") != std::string::npos);
            CHECK(dom.find("<table class=\"cards\">") != std::string::npos);
        }
        // Without --outcomes the report has no score.
        const auto plain = dir.path() / "plain.html";
        auto p = run_binary(
            spec_in(dir, {"batch", source_path("examples"), "--jsonl",
                          (dir.path() / "p.jsonl").string(), "--report", plain.string(), "-q"}));
        REQUIRE(p.exit_code == 0);
        CHECK(slurp(plain).find("<section class=\"score\"") == std::string::npos);
    }
    SECTION("--outcomes needs --report; a bad row stops the batch before any card") {
        auto r =
            run_binary(spec_in(dir, {"batch", source_path("examples"), "--outcomes", k_outcomes}));
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == "roundtable: error: --outcomes needs --report FILE (or score the JSONL "
                       "with roundtable score)\n");
        auto bad = dir.write("bad.csv", "id,label\nx,up\n");
        auto b = run_binary(
            spec_in(dir, {"batch", source_path("examples"), "--report",
                          (dir.path() / "r.html").string(), "--outcomes", bad.string()}));
        CHECK(b.exit_code == 2);
        CHECK(b.out.empty());
        CHECK(b.err == "roundtable: error: " + bad.string() +
                           ":2: label 'up' for id 'x': expected bearish, neutral or bullish\n");
        CHECK_FALSE(fs::exists(dir.path() / "r.html"));
    }
}

TEST_CASE("e2e::roundtable schema score") {
    TempDir dir;
    auto r = run_binary(spec_in(dir, {"schema", "score"}));
    CHECK(r.exit_code == 0);
    const json schema = json::parse(r.out);
    CHECK(schema.at("properties").at("schema").at("const") == "roundtable.score/v1");
    auto card = run_binary(spec_in(dir, {"schema"}));
    CHECK(json::parse(card.out).at("properties").at("schema").at("const") == "roundtable.card/v1");
}
