#include <catch2/catch.hpp>
#include <roundtable/util/threshold.hpp>

using namespace roundtable;
using util::Threshold;

TEST_CASE("parse_threshold reads every operator with blanks around", "[util][threshold]") {
    struct Row {
        const char* text;
        Threshold::Op op;
        double number;
    };
    for (const Row& row :
         {Row{"<0.5", Threshold::Op::lt, 0.5}, Row{" <= 3", Threshold::Op::le, 3},
          Row{">-1", Threshold::Op::gt, -1}, Row{">= 2.25 ", Threshold::Op::ge, 2.25},
          Row{"=1", Threshold::Op::eq, 1}, Row{"== 0", Threshold::Op::eq, 0}}) {
        INFO(row.text);
        auto parsed = util::parse_threshold(row.text);
        REQUIRE(parsed);
        CHECK(parsed->op == row.op);
        CHECK(parsed->number == row.number);
    }
}

TEST_CASE("parse_threshold refuses what is not OP NUMBER", "[util][threshold]") {
    for (const char* text :
         {"", "0.5", "<", "< ", "<abc", "<0.5x", "=<1", "<inf", "<nan", "!=1", "<1e999"}) {
        INFO(text);
        CHECK_FALSE(util::parse_threshold(text));
    }
}

TEST_CASE("Threshold::holds compares as written, = within rounding", "[util][threshold]") {
    CHECK(Threshold{Threshold::Op::lt, 0.5}.holds(0.49));
    CHECK_FALSE(Threshold{Threshold::Op::lt, 0.5}.holds(0.5));
    CHECK(Threshold{Threshold::Op::le, 0.5}.holds(0.5));
    CHECK(Threshold{Threshold::Op::gt, 2}.holds(3));
    CHECK_FALSE(Threshold{Threshold::Op::ge, 2}.holds(1.999));
    CHECK(Threshold{Threshold::Op::eq, 0.3}.holds(0.1 + 0.2));
    CHECK_FALSE(Threshold{Threshold::Op::eq, 0.3}.holds(0.31));
}

TEST_CASE("split_expressions splits every value at commas and trims", "[util][threshold]") {
    const std::vector<std::string> values{"a<1, b>2", " c=3 ", "d,"};
    const auto parts = util::split_expressions(values); // views into `values`
    REQUIRE(parts.size() == 5);
    CHECK(parts[0] == "a<1");
    CHECK(parts[1] == "b>2");
    CHECK(parts[2] == "c=3");
    CHECK(parts[3] == "d");
    CHECK(parts[4].empty());
    CHECK(util::trim_blanks(" \t x y\t ") == "x y");
    CHECK(util::trim_blanks(" \t ").empty());
}
