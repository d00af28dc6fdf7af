#include <catch2/catch.hpp>
#include <roundtable/guard/figures.hpp>
#include <string>
#include <vector>

using namespace roundtable::guard;

namespace {

std::string norm(std::string_view text) {
    return normalize(text);
}

std::vector<Token> tokens(std::string_view text, bool words = false) {
    const std::string normalized = norm(text);
    std::vector<Token> out;
    scan(normalized, ScanOptions{.quotes = true, .words = words},
         [&](const Token& token) { out.push_back(token); });
    return out;
}

// The only token of `text`; fails the test when there is not exactly one.
Token one(std::string_view text, bool words = false) {
    const auto found = tokens(text, words);
    INFO(text);
    REQUIRE(found.size() == 1);
    return found[0];
}

} // namespace

TEST_CASE("figures::normalize") {
    SECTION("case, whitespace, quotes and dashes") {
        CHECK(norm("  Hello\t\tWORLD \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\x94 it\xE2\x80\x99s") ==
              "hello world \"q\" - it's");
        std::vector<std::uint32_t> line_starts;
        CHECK(normalize("a\n\n b\nc d", nullptr, &line_starts) == "a b c d");
        CHECK(line_starts == std::vector<std::uint32_t>{2, 4});
    }
    SECTION("thousands separators are dropped, in every house style") {
        CHECK(norm("1,200 and 36,600,000") == "1200 and 36600000");
        CHECK(norm("1.234.567 people") == "1234567 people");
        CHECK(norm("1\xC2\xA0"
                   "234\xE2\x80\xAF"
                   "567") == "1234567");
        CHECK(norm("CHF 1'234'000") == "chf 1234000");
        CHECK(norm("2024,500") == "2024500"); // one comma and three digits: thousands
    }
    SECTION("a decimal comma becomes a point") {
        CHECK(norm("52,4 %") == "52.4 %");
        CHECK(norm("\xE2\x82\xAC"
                   "612,40") == "\xE2\x82\xAC"
                                "612.40");
        CHECK(norm("1.234,56") == "1234.56");
        CHECK(norm("1,234.56") == "1234.56");
        CHECK(norm("1 234,5") == "1 234.5"); // an ASCII space groups nothing
        CHECK(norm("1\xC2\xA0"
                   "234,5") == "1234.5");
    }
    SECTION("separators that fit no one reading are left as written") {
        CHECK(norm("1,2,3") == "1,2,3");
        CHECK(norm("192.168.1.1") == "192.168.1.1");
        CHECK(norm("3,2025") == "3,2025");
        CHECK(norm("1.234") == "1.234"); // an English decimal
        CHECK(norm("29.04.2025") == "29.04.2025");
        CHECK(norm("1.234,5.6") == "1.234,5.6");
        CHECK(norm("rose 5. Then 5, then") == "rose 5. then 5, then");
    }
    SECTION("the map points back at the source") {
        SourceMap map;
        const std::string out = normalize("A  1,234,5x \xE2\x80\x9Cq\xE2\x80\x9D 1,000", &map);
        CHECK(out == "a 1,234,5x \"q\" 1000");
        CHECK(map.source(0) == 0);   // 'a'
        CHECK(map.source(1) == 1);   // the first of two spaces
        CHECK(map.source(2) == 3);   // '1'
        CHECK(map.source(3) == 4);   // ','
        CHECK(map.source(11) == 12); // the curly opening quote, three bytes
        CHECK(map.source(12) == 15); // 'q'
        CHECK(map.source(13) == 16); // the closing quote
        CHECK(map.source(15) == 20); // '1'
        CHECK(map.source(16) == 22); // '0' after the dropped separator
        CHECK(map.source(out.size()) == 25);
        SourceMap plain;
        normalize("plain ascii prose, one space apart", &plain);
        CHECK(plain.source(20) == 20);
    }
}

TEST_CASE("figures::scan") {
    SECTION("pence, cents and basis points carry their unit") {
        const Token pence = one("142p");
        CHECK(pence.first.kind == FigureKind::money);
        CHECK(pence.first.unit == Unit::minor);
        CHECK(pence.first.currency == 'L');
        CHECK(pence.first.value() == Approx(1.42));
        CHECK(one("4.1p a share").first.value() == Approx(0.041));
        CHECK(one("42 cents").first.value() == Approx(0.42));
        const Token bp = one("150 basis points");
        CHECK(bp.first.kind == FigureKind::percent);
        CHECK(bp.first.unit == Unit::basis_points);
        CHECK(bp.first.value() == Approx(1.5));
        CHECK(one("25bp").first.value() == Approx(0.25));
        CHECK(one("1.5 percentage points").first.unit == Unit::percent);
    }
    SECTION("wire-service amounts") {
        for (const char* text : {"EUR 5.1 mn", "EUR5.1mn", "EUR 5.1mln", "5.1 mn euros"}) {
            INFO(text);
            const Token token = one(text);
            CHECK(token.first.kind == FigureKind::money);
            CHECK(token.first.currency == 'E');
            CHECK(token.first.value() == Approx(5.1e6));
        }
        CHECK(one("EUR21m").first.value() == Approx(21e6));
        CHECK(one("USD 36.8 m").first.value() == Approx(36.8e6));
        CHECK(one("USD 36.8 m").first.currency == '$');
        const Token broken = one("EUR1 .2 m");
        CHECK(broken.first.value() == Approx(1.2e6));
        CHECK(broken.first.decimals == 1);
        CHECK(one("612,40 \xE2\x82\xAC").first.currency == 'E');
        CHECK(one("5 m").first.magnitude == false); // "m" spaced is magnitude only after a currency
    }
    SECTION("ranges share what is written once") {
        const Token money = one("$3-4 billion");
        REQUIRE(money.type == TokenType::range);
        CHECK(money.first.value() == Approx(3e9));
        CHECK(money.first.currency == '$');
        CHECK(money.second.currency == '$');
        const Token percent = one("5-10 %");
        REQUIRE(percent.type == TokenType::range);
        CHECK(percent.first.kind == FigureKind::percent);
        const Token between = one("between 5 and 10 per cent");
        REQUIRE(between.type == TokenType::range);
        CHECK(between.first.kind == FigureKind::percent);
        const Token pence = one("10-20p");
        CHECK(pence.first.value() == Approx(0.10));
        CHECK(tokens("5 and 10 per cent").size() == 2); // "and" joins only after "between"
    }
    SECTION("numeric dates, in both readings when both are valid") {
        const Token euro = one("29.04.2025");
        REQUIRE(euro.type == TokenType::date);
        CHECK(euro.date.day == 29);
        CHECK(euro.date.month == 4);
        CHECK(euro.alternative.month == 0);
        const Token us = one("06/15/2025");
        CHECK(us.date.month == 6);
        CHECK(us.date.day == 15);
        const Token either = one("04/05/2025");
        CHECK(either.date.month == 4);
        CHECK(either.alternative.month == 5);
    }
    SECTION("identifiers") {
        for (const auto& [text, key] :
             std::vector<std::pair<const char*, const char*>>{{"SLV-208", "slv208"},
                                                              {"Q3", "q3"},
                                                              {"grok-4", "grok4"},
                                                              {"COVID-19", "covid19"},
                                                              {"A320neo", "a320neo"},
                                                              {"gpt-4.1-mini", "gpt4.1mini"},
                                                              {"FY25", "fy2025"},
                                                              {"S&P 500", "s&p500"}}) {
            INFO(text);
            const Token token = one(text);
            CHECK(token.type == TokenType::identifier);
            CHECK(token.key == key);
        }
        CHECK(one("SLV-208").first.raw == 208);
        CHECK(one("SLV-208").family == 3);
        // A word that makes a figure: the year is read.
        const Token year = one("mid-2025");
        CHECK(year.type == TokenType::figure);
        CHECK(year.first.raw == 2025);
        CHECK(one("March-2025").type == TokenType::figure);
        // Glued to a word that starts with a digit: skipped.
        CHECK(tokens("5G 2nd 1990s 3Q25").empty());
    }
    SECTION("numbers, fractions and periods in words (the article only)") {
        CHECK(tokens("three million").empty());
        const Token three = one("three million", true);
        CHECK(three.first.value() == Approx(3e6));
        CHECK(three.first.spelled);
        CHECK(one("twenty-five per cent", true).first.kind == FigureKind::percent);
        CHECK(one("a dozen", true).first.raw == 12);
        CHECK(one("two hundred and five", true).first.raw == 205);
        const Token fifth = one("a fifth of sales", true);
        CHECK(fifth.first.unit == Unit::fraction);
        CHECK(fifth.first.value() == Approx(20));
        CHECK(one("two-thirds", true).first.value() == Approx(66.6667).epsilon(1e-4));
        CHECK(one("one in five", true).first.value() == Approx(20));
        const auto one_in_20 = tokens("one in 20 homes", true);
        REQUIRE(one_in_20.size() == 2); // the fraction, and the 20 as a figure of its own
        CHECK(one_in_20[0].first.value() == Approx(5));
        CHECK(one_in_20[1].first.raw == 20);
        CHECK(one("doubled", true).first.value() == Approx(100));
        CHECK(tokens("a third straight quarter", true).empty()); // an ordinal, not a fraction
        const Token q3 = one("third-quarter", true);
        CHECK(q3.type == TokenType::identifier);
        CHECK(q3.key == "q3");
        const auto fiscal = tokens("fiscal 2025", true);
        REQUIRE(fiscal.size() == 2);
        CHECK(fiscal[0].key == "fy2025");
        CHECK(fiscal[1].first.raw == 2025);
        CHECK(tokens("a man", true).empty());
    }
    SECTION("long runs are read once") {
        const std::string digits(200000, '7');
        CHECK(tokens(digits).size() == 1);
        std::string dotted;
        for (int i = 0; i < 20000; ++i) {
            dotted += "1.2.";
        }
        CHECK(tokens(dotted).empty());
    }
}
