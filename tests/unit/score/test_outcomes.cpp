#include <catch2/catch.hpp>
#include <roundtable/score/outcomes.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using panel::Stance;

namespace {

score::Outcomes ok(std::string_view text, const std::string& name = "o.csv", double band = 0.01) {
    auto parsed = score::parse_outcomes(text, name, band);
    INFO((parsed ? std::string("ok") : parsed.error()));
    REQUIRE(parsed);
    return *parsed;
}

std::string error(std::string_view text, const std::string& name = "o.csv", double band = 0.01) {
    auto parsed = score::parse_outcomes(text, name, band);
    REQUIRE_FALSE(parsed);
    return parsed.error();
}

} // namespace

TEST_CASE("outcomes::detect_outcome_format") {
    using score::OutcomeFormat;
    CHECK(score::detect_outcome_format("a.csv", "{") == OutcomeFormat::csv);
    CHECK(score::detect_outcome_format("a.JSONL", "id,label") == OutcomeFormat::jsonl);
    CHECK(score::detect_outcome_format("a.ndjson", "") == OutcomeFormat::jsonl);
    CHECK(score::detect_outcome_format("a.json", "") == OutcomeFormat::jsonl);
    CHECK(score::detect_outcome_format("/dev/fd/3", "\n  {\"id\":\"x\"}") == OutcomeFormat::jsonl);
    CHECK(score::detect_outcome_format("outcomes", "id,label\n") == OutcomeFormat::csv);
}

TEST_CASE("outcomes::parse_outcomes CSV") {
    SECTION("labels and returns, comments, blank lines, CRLF, a BOM, columns in any order") {
        auto o = ok("\xEF\xBB\xBF# invented outcomes\r\n"
                    "Return,ID,Label,note\r\n"
                    "\r\n"
                    "0.023,up,,rose\r\n"
                    "-0.05,down,,\r\n"
                    ",flat,NEUTRAL,\r\n"
                    "0.5,both,bearish,label wins\r\n"
                    "# a comment between rows\n"
                    "+0.02,plus,,\n");
        CHECK(o.ids == std::vector<std::string>{"up", "down", "flat", "both", "plus"});
        CHECK(o.label_of.at("up") == Stance::bullish);
        CHECK(o.label_of.at("down") == Stance::bearish);
        CHECK(o.label_of.at("flat") == Stance::neutral);
        CHECK(o.label_of.at("both") == Stance::bearish);
        CHECK(o.label_of.at("plus") == Stance::bullish);
    }
    SECTION("the band: exactly +-B is neutral, beyond it is not") {
        auto o = ok("id,return\na,0.01\nb,-0.01\nc,0.0100001\nd,-0.0100001\ne,0\n");
        CHECK(o.label_of.at("a") == Stance::neutral);
        CHECK(o.label_of.at("b") == Stance::neutral);
        CHECK(o.label_of.at("c") == Stance::bullish);
        CHECK(o.label_of.at("d") == Stance::bearish);
        CHECK(o.label_of.at("e") == Stance::neutral);
        auto wide = ok("id,return\na,0.02\nb,-0.025\n", "o.csv", 0.025);
        CHECK(wide.label_of.at("a") == Stance::neutral);
        CHECK(wide.label_of.at("b") == Stance::neutral);
    }
    SECTION("quoted fields: commas, doubled quotes, a line break") {
        auto o = ok("id,label\n\"a, b\",bullish\n\"say \"\"hi\"\"\",bearish\n\"two\nlines\","
                    "neutral\nlast,bullish\n");
        CHECK(o.label_of.at("a, b") == Stance::bullish);
        CHECK(o.label_of.at("say \"hi\"") == Stance::bearish);
        CHECK(o.label_of.at("two\nlines") == Stance::neutral);
        CHECK(o.label_of.at("last") == Stance::bullish);
    }
    SECTION("a header with no rows is no outcomes") {
        CHECK(ok("id,label\n").ids.empty());
    }
    SECTION("bad rows name their line") {
        CHECK(error("id,label\na,bullish\nb,up\n") ==
              "o.csv:3: label 'up' for id 'b': expected bearish, neutral or bullish");
        CHECK(error("id,return\na,0.1\nb,2.3%\n") ==
              "o.csv:3: return '2.3%' for id 'b': expected a number (a fraction: 0.023 is +2.3%)");
        CHECK(error("id,return\na,nan\n") ==
              "o.csv:2: return 'nan' for id 'a': expected a number (a fraction: 0.023 is +2.3%)");
        CHECK(error("# header comment\nid,label,return\na,,\n") ==
              "o.csv:3: id 'a' has neither a label nor a return");
        CHECK(error("id,label\n,bullish\n") == "o.csv:2: empty id");
        CHECK(error("id,label\na,bullish\n\nb,bearish\na,neutral\n") ==
              "o.csv:5: id 'a' already given on line 2");
        CHECK(error("id,label\na,bullish,extra\n") ==
              "o.csv:2: expected 2 fields as in the header, found 3");
        CHECK(error("id,label\na,bullish\n\"b,bearish\n") == "o.csv:3: unterminated quoted field");
    }
    SECTION("bad headers and empty files") {
        CHECK(error("") == "o.csv: no header row (expected id and label or return)");
        CHECK(error("# only a comment\n") ==
              "o.csv: no header row (expected id and label or return)");
        CHECK(error("name,label\na,bullish\n") ==
              "o.csv:1: the header needs an id column and a label or return column");
        CHECK(error("id,score\na,1\n") ==
              "o.csv:1: the header needs an id column and a label or return column");
        CHECK(error("id,label,Label\n") == "o.csv:1: the header names column 'label' twice");
    }
}

TEST_CASE("outcomes::parse_outcomes JSONL") {
    SECTION("labels, returns, nulls, blank lines, extra fields") {
        auto o = ok("{\"id\":\"a\",\"label\":\"Bullish\"}\n\n"
                    "{\"id\":\"b\",\"return\":-0.02,\"source\":\"x\"}\n"
                    "{\"id\":\"c\",\"label\":null,\"return\":0.01}\n",
                    "o.jsonl");
        CHECK(o.ids == std::vector<std::string>{"a", "b", "c"});
        CHECK(o.label_of.at("a") == Stance::bullish);
        CHECK(o.label_of.at("b") == Stance::bearish);
        CHECK(o.label_of.at("c") == Stance::neutral);
    }
    SECTION("bad lines name their line") {
        CHECK(error("{\"id\":\"a\",\"label\":\"bullish\"}\n{oops\n", "o.jsonl") ==
              "o.jsonl:2: not valid JSON");
        CHECK(error("[1]\n", "o.jsonl") ==
              "o.jsonl:1: expected a JSON object with id and label or return");
        CHECK(error("{\"id\":7,\"label\":\"bullish\"}\n", "o.jsonl") ==
              "o.jsonl:1: \"id\" must be a non-empty string");
        CHECK(error("{\"id\":\"a\",\"label\":\"up\"}\n", "o.jsonl") ==
              "o.jsonl:1: label 'up' for id 'a': expected bearish, neutral or bullish");
        CHECK(error("{\"id\":\"a\",\"label\":3}\n", "o.jsonl") ==
              "o.jsonl:1: \"label\" for id 'a' must be bearish, neutral or bullish");
        CHECK(error("{\"id\":\"a\",\"return\":\"0.1\"}\n", "o.jsonl") ==
              "o.jsonl:1: \"return\" for id 'a' must be a number (a fraction: 0.023 is +2.3%)");
        CHECK(error("{\"id\":\"a\"}\n", "o.jsonl") ==
              "o.jsonl:1: id 'a' has neither a label nor a return");
        CHECK(error("{\"id\":\"a\",\"return\":0}\n{\"id\":\"a\",\"return\":0}\n", "o.jsonl") ==
              "o.jsonl:2: id 'a' already given on line 1");
    }
}

TEST_CASE("outcomes::read_outcomes") {
    testing::TempDir dir;
    SECTION("a file") {
        auto path = dir.write("o.csv", "id,label\na,bearish\n");
        auto o = score::read_outcomes(path.string(), 0.01);
        REQUIRE(o);
        CHECK(o->label_of.at("a") == Stance::bearish);
    }
    SECTION("a missing file or a folder") {
        auto missing = (dir.path() / "nope.csv").string();
        CHECK(score::read_outcomes(missing, 0.01).error() == missing + ": no such file");
        CHECK(score::read_outcomes(dir.path().string(), 0.01).error() ==
              dir.path().string() + ": is a directory");
    }
}
