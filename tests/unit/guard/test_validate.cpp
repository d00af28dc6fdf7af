#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <roundtable/guard/validate.hpp>
#include <sstream>
#include <string>
#include <vector>

using roundtable::guard::repair_instruction;
using roundtable::guard::Round;
using roundtable::guard::validate_reply;

namespace {

std::string take_with(const std::string& stance, const std::string& confidence,
                      const std::string& evidence = R"(["sales rose"])") {
    return R"({"stance": )" + stance + R"(, "confidence": )" + confidence +
           R"(, "headline": "Up", "analysis": "Sales rose.", "counterpoint": "Costs.", "evidence": )" +
           evidence + "}";
}

std::string clean_take(const std::string& stance, const std::string& confidence,
                       const std::string& evidence = R"(["sales rose"])") {
    return R"({"stance":")" + stance + R"(","confidence":)" + confidence +
           R"(,"headline":"Up","analysis":"Sales rose.","counterpoint":"Costs.","evidence":)" +
           evidence + "}";
}

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string first_line(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

} // namespace

TEST_CASE("validate::validate_reply") {
    SECTION("a valid take comes back clean, in contract order") {
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.7")).value() ==
              clean_take("bullish", "0.7"));
    }
    SECTION("unknown fields are dropped") {
        const auto clean = validate_reply(
            Round::consensus,
            R"({"extra": 1, "summary": "S", "risk": "R", "opportunity": "O", "z": []})");
        CHECK(clean.value() == R"({"summary":"S","risk":"R","opportunity":"O"})");
    }
    SECTION("strings are trimmed") {
        const auto clean = validate_reply(
            Round::consensus, R"({"summary": "  S \n", "risk": "\tR", "opportunity": "O  "})");
        CHECK(clean.value() == R"({"summary":"S","risk":"R","opportunity":"O"})");
    }
    SECTION("control characters are removed, and a text of nothing else is empty") {
        const auto clean = validate_reply(
            Round::consensus,
            R"({"summary": "\u001b[2J S\u0007", "risk": "R\u009b31m", "opportunity": "\u007fO"})");
        CHECK(clean.value() == R"({"summary":"[2J S","risk":"R31m","opportunity":"O"})");
        CHECK(validate_reply(Round::consensus,
                             R"({"summary": "\u001b", "risk": "R", "opportunity": "O"})")
                  .error() == "consensus: 'summary' is empty");
    }
    SECTION("confidence as a string, a percentage or a number above 10") {
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"("0.8")")).value() ==
              clean_take("bullish", "0.8"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "80")).value() ==
              clean_take("bullish", "0.8"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"("80%")")).value() ==
              clean_take("bullish", "0.8"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"(" 80 % ")")).value() ==
              clean_take("bullish", "0.8"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"("7%")")).value() ==
              clean_take("bullish", "0.07"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "1")).value() ==
              clean_take("bullish", "1.0"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0")).value() ==
              clean_take("bullish", "0.0"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "100")).value() ==
              clean_take("bullish", "1.0"));
    }
    SECTION("confidence out of range or ambiguous") {
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "7")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got 7)");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "-0.2")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got -0.2)");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "150")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got 150)");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"("120%")")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got '120%')");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", R"("high")")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got 'high')");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "true")).error() ==
              "take: 'confidence' must be a number from 0 to 1 (got true)");
    }
    SECTION("stance synonyms, any case") {
        for (const char* word : {"negative", "Bear", "BEARISH", "pessimistic", "down"}) {
            CHECK(validate_reply(Round::take, take_with(std::string("\"") + word + "\"", "0.5"))
                      .value() == clean_take("bearish", "0.5"));
        }
        for (const char* word : {"positive", "bull", "Bullish", "optimistic", "UP"}) {
            CHECK(validate_reply(Round::take, take_with(std::string("\"") + word + "\"", "0.5"))
                      .value() == clean_take("bullish", "0.5"));
        }
        for (const char* word : {"mixed", "Neutral", "balanced", "hold"}) {
            CHECK(validate_reply(Round::take, take_with(std::string("\"") + word + "\"", "0.5"))
                      .value() == clean_take("neutral", "0.5"));
        }
    }
    SECTION("an unknown stance") {
        CHECK(validate_reply(Round::take, take_with(R"("sideways")", "0.5")).error() ==
              "take: 'stance' must be bearish, neutral or bullish (got 'sideways')");
        CHECK(validate_reply(Round::take, take_with("3", "0.5")).error() ==
              "take: 'stance' must be bearish, neutral or bullish (got 3)");
    }
    SECTION("evidence as one string becomes a list; blank entries are dropped") {
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.5", R"(" sales rose ")"))
                  .value() == clean_take("bullish", "0.5", R"(["sales rose"])"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.5", R"(["a", " ", "b"])"))
                  .value() == clean_take("bullish", "0.5", R"(["a","b"])"));
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.5", "[]")).value() ==
              clean_take("bullish", "0.5", "[]"));
    }
    SECTION("evidence of the wrong type") {
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.5", "[1, 2]")).error() ==
              "take: 'evidence' must be a list of strings");
        CHECK(validate_reply(Round::take, take_with(R"("bullish")", "0.5", R"({"q": "x"})"))
                  .error() == "take: 'evidence' must be a list of strings");
    }
    SECTION("missing fields, nulls and empty required strings") {
        CHECK(validate_reply(Round::take, R"({"confidence": 0.5})").error() ==
              "take: missing field 'stance'");
        CHECK(validate_reply(Round::take, take_with("null", "0.5")).error() ==
              "take: missing field 'stance'");
        CHECK(
            validate_reply(Round::consensus, R"({"summary": "S", "risk": " ", "opportunity": "O"})")
                .error() == "consensus: 'risk' is empty");
        CHECK(validate_reply(
                  Round::take,
                  R"({"stance": "up", "confidence": 0.5, "headline": "H", "analysis": ""})")
                  .error() == "take: 'analysis' is empty");
        CHECK(validate_reply(
                  Round::take,
                  R"({"stance": "up", "confidence": 0.5, "headline": "", "analysis": "A"})")
                  .error() == "take: 'headline' is empty");
    }
    SECTION("a rebuttal with one seat as a string and coerced stance and confidence") {
        const auto clean = validate_reply(
            Round::rebuttal, R"({"responds_to": "claude", "headline": "", "text": " No. ",
            "stance_after": "Mixed", "confidence_after": "55%"})");
        CHECK(
            clean.value() ==
            R"({"responds_to":["claude"],"headline":"","text":"No.","stance_after":"neutral","confidence_after":0.55})");
    }
    SECTION("rebuttal errors name the field") {
        CHECK(validate_reply(Round::rebuttal,
                             R"({"responds_to": ["a"], "headline": "H", "text": ""})")
                  .error() == "rebuttal: 'text' is empty");
        CHECK(
            validate_reply(Round::rebuttal, R"({"responds_to": [1], "headline": "H", "text": "T"})")
                .error() == "rebuttal: 'responds_to' must be a list of strings");
        CHECK(validate_reply(
                  Round::rebuttal,
                  R"({"responds_to": [], "headline": "H", "text": "T", "stance_after": "flat"})")
                  .error() ==
              "rebuttal: 'stance_after' must be bearish, neutral or bullish (got 'flat')");
        CHECK(validate_reply(Round::rebuttal, R"({"responds_to": [], "headline": "H", "text": "T",
            "stance_after": "bear", "confidence_after": 2})")
                  .error() == "rebuttal: 'confidence_after' must be a number from 0 to 1 (got 2)");
    }
    SECTION("extraction errors carry the round's name") {
        CHECK(validate_reply(Round::consensus, "").error() == "consensus: the reply is empty");
        CHECK(validate_reply(Round::take, "No idea.").error() ==
              "take: no JSON object in the reply (starts with: \"No idea.\")");
    }
    SECTION("a fenced reply with prose validates") {
        const auto clean =
            validate_reply(Round::consensus, "Here it is:\n```json\n{\"summary\": \"S\", \"risk\": "
                                             "\"R\", \"opportunity\": \"O\"}\n```");
        CHECK(clean.value() == R"({"summary":"S","risk":"R","opportunity":"O"})");
    }
}

TEST_CASE("validate::repair_instruction") {
    SECTION("quotes the error and restates the take's shape") {
        const std::string text = repair_instruction(Round::take, "take: missing field 'stance'");
        CHECK(text.find("previous reply was invalid") != std::string::npos);
        CHECK(text.find("\"take: missing field 'stance'\"") != std::string::npos);
        CHECK(text.find(R"("stance": "bearish" | "neutral" | "bullish")") != std::string::npos);
        CHECK(text.find(R"("evidence": [)") != std::string::npos);
        CHECK(text.find("no code fences") != std::string::npos);
    }
    SECTION("each round names its own fields") {
        const std::string rebuttal =
            repair_instruction(Round::rebuttal, "rebuttal: 'text' is empty");
        CHECK(rebuttal.find(R"("responds_to": [)") != std::string::npos);
        CHECK(rebuttal.find(R"("confidence_after": <number from 0 to 1>)") != std::string::npos);
        CHECK(rebuttal.find("\"stance\"") == std::string::npos);
        const std::string consensus =
            repair_instruction(Round::consensus, "consensus: the reply is empty");
        CHECK(consensus.find(R"("opportunity": "<non-empty string>")") != std::string::npos);
        CHECK(consensus.find("the consensus round") != std::string::npos);
    }
}

TEST_CASE("validate::corpus") {
    const std::filesystem::path folder = RT_SOURCE_DIR "/tests/data/replies";
    std::vector<std::filesystem::path> replies;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() == ".txt") {
            replies.push_back(entry.path());
        }
    }
    std::sort(replies.begin(), replies.end());
    REQUIRE(replies.size() >= 15);
    for (const auto& path : replies) {
        const std::string name = path.filename().string();
        SECTION(name) {
            const std::string round_word = name.substr(0, name.find('.'));
            const Round round = round_word == "take"       ? Round::take
                                : round_word == "rebuttal" ? Round::rebuttal
                                                           : Round::consensus;
            REQUIRE(
                (round_word == "take" || round_word == "rebuttal" || round_word == "consensus"));
            auto expect_path = path;
            expect_path.replace_extension(".expect");
            REQUIRE(std::filesystem::exists(expect_path));
            const std::string expected = first_line(expect_path);
            const auto result = validate_reply(round, read_all(path));
            if (name.find(".ok.") != std::string::npos) {
                INFO((result ? std::string() : result.error()));
                REQUIRE(result.has_value());
                CHECK(*result == expected);
            } else {
                REQUIRE(name.find(".err.") != std::string::npos);
                REQUIRE_FALSE(result.has_value());
                INFO(result.error());
                CHECK(result.error().find(expected) != std::string::npos);
            }
        }
    }
}
