// End-to-end tests: run the built binary and check stdout, stderr and exit codes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> k_examples{"examples/bearish-truck-recall.txt",
                                          "examples/bullish-solar-storage-expansion.txt",
                                          "examples/mixed-streaming-merger.txt"};

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RunResult run(std::vector<std::string> args, std::optional<std::string> stdin_data = std::nullopt,
              std::map<std::string, std::string> env = {}) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.stdin_data = std::move(stdin_data);
    spec.env = std::move(env);
    return run_binary(spec);
}

// True when `field` is a sequence of substrings of `article` joined by single
// spaces: what an extractive seat may write.
bool quoted_from(const std::string& field, const std::string& article) {
    std::size_t p = 0;
    while (p < field.size()) {
        std::size_t lo = 0, hi = field.size() - p;
        while (lo < hi) { // longest prefix of field[p..] occurring in the article
            std::size_t mid = (lo + hi + 1) / 2;
            if (article.find(std::string_view(field).substr(p, mid)) != std::string::npos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo == 0) {
            return false;
        }
        p += lo;
        bool at_break =
            p == field.size() || field[p] == ' ' || field[p] == '\n' || field[p - 1] == ' ';
        if (!at_break) {
            return false; // the quoted span ends mid-word: words were added or changed
        }
        while (p < field.size() && (field[p] == ' ' || field[p] == '\n')) {
            ++p;
        }
    }
    return true;
}

std::vector<std::string> quoted_fields(const json& card) {
    std::vector<std::string> out;
    for (const auto& t : card.at("takes")) {
        for (const char* f : {"headline", "analysis", "counterpoint"}) {
            out.push_back(t.at(f).get<std::string>());
        }
        for (const auto& e : t.at("evidence")) {
            out.push_back(e.get<std::string>());
        }
    }
    for (const auto& r : card.at("rebuttals")) {
        out.push_back(r.at("headline").get<std::string>());
        out.push_back(r.at("text").get<std::string>());
    }
    for (const char* f : {"summary", "risk", "opportunity"}) {
        out.push_back(card.at("consensus").at(f).get<std::string>());
    }
    return out;
}

json without_timing(json card) {
    card["usage"].erase("wall_ms");
    return card;
}

} // namespace

TEST_CASE("cli::offline card for each example") {
    for (const auto& example : k_examples) {
        DYNAMIC_SECTION(example) {
            auto r = run({source_path(example), "--format", "json"});
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            CHECK(r.err.find("offline analysts, no language model") != std::string::npos);
            json card = json::parse(r.out);
            CHECK(card.at("schema") == "roundtable.card/v1");
            CHECK(card.at("offline") == true);
            REQUIRE(card.at("takes").size() == 4);
            REQUIRE(card.at("rebuttals").size() == 4);
            std::string stance = card.at("consensus").at("stance");
            CHECK((stance == "bearish" || stance == "neutral" || stance == "bullish" ||
                   stance == "split"));
            CHECK_FALSE(card.at("consensus").at("risk").get<std::string>().empty());
            CHECK_FALSE(card.at("consensus").at("opportunity").get<std::string>().empty());
            CHECK(card.at("consensus").at("risk") != card.at("consensus").at("opportunity"));
            std::string article = read_all(source_path(example));
            for (const auto& field : quoted_fields(card)) {
                INFO(field);
                CHECK(quoted_from(field, article));
            }
            CHECK(card.at("usage").at("calls") == 9);
        }
    }
}

TEST_CASE("cli::an offline card loads no network library") {
    // libcurl (and the TLS stack under it) is dlopen()ed by the first HTTP
    // transport only; the dynamic loader's trace shows what was loaded.
    auto r =
        run({source_path(k_examples[0]), "--format", "json"}, std::nullopt, {{"LD_DEBUG", "libs"}});
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.err.find("libc.so.6") != std::string::npos); // the trace is there
    CHECK(r.err.find("libcurl") == std::string::npos);
    CHECK(r.err.find("libssl") == std::string::npos);
}

TEST_CASE("cli::offline stances follow the article") {
    auto stance_of = [](const std::string& example) {
        auto r = run({source_path(example), "--format", "json"});
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out).at("consensus").at("stance").get<std::string>();
    };
    CHECK(stance_of(k_examples[0]) == "bearish");
    CHECK(stance_of(k_examples[1]) == "bullish");
}

TEST_CASE("cli::determinism") {
    auto a = run({source_path(k_examples[2]), "--format", "json"});
    auto b = run({source_path(k_examples[2]), "--format", "json"});
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(without_timing(json::parse(a.out)) == without_timing(json::parse(b.out)));
}

TEST_CASE("cli::input sources") {
    std::string text = read_all(source_path(k_examples[0]));
    SECTION("- reads stdin") {
        auto r = run({"-", "--format", "json"}, text);
        REQUIRE(r.exit_code == 0);
        CHECK(json::parse(r.out).at("article").at("source") == "stdin");
    }
    SECTION("piped stdin with no argument") {
        auto r = run({"--format", "json"}, text);
        REQUIRE(r.exit_code == 0);
        auto card = json::parse(r.out);
        CHECK(card.at("article").at("source") == "stdin");
        CHECK(card.at("article").at("title") ==
              "Corvane Motors recalls 410,000 trucks as losses deepen and lenders circle");
    }
    SECTION("an HTML file becomes text with its <title>") {
        TempDir dir;
        auto path = dir.write("page.html",
                              "<!doctype html><html><head><title>Helionyx beats forecasts</title>"
                              "<script>var x = 'do not read';</script></head><body><nav>Home | "
                              "News</nav><article><p>" +
                                  text + "</p></article></body></html>");
        auto r = run({path.string(), "--format", "json"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto card = json::parse(r.out);
        CHECK(card.at("article").at("title") == "Helionyx beats forecasts");
        CHECK(r.out.find("do not read") == std::string::npos);
    }
}

TEST_CASE("cli::input errors") {
    TempDir dir;
    struct Case {
        std::string name;
        std::vector<std::string> args;
        std::string message;
    };
    auto big = std::string(1024 * 1024 + 10, 'a');
    for (std::size_t i = 80; i < big.size(); i += 80) {
        big[i] = '\n';
    }
    std::vector<Case> cases{
        {"missing path",
         {(dir.path() / "nope.txt").string()},
         (dir.path() / "nope.txt").string() + ": no such file"},
        {"directory", {dir.path().string()}, dir.path().string() + ": is a directory"},
        {"empty file", {dir.write("empty.txt", "").string()}, "input is empty"},
        {"whitespace only", {dir.write("ws.txt", " \n\t\n  \r\n").string()}, "input is empty"},
        {"binary", {dir.write("bin.dat", std::string("abc\0def\x01\x02", 9)).string()}, "binary"},
        {"over the size limit", {dir.write("big.txt", big).string()}, "--max-bytes"},
        {"unknown flag", {"--frobnicate"}, "--frobnicate"},
        {"unknown format",
         {source_path(k_examples[0]), "--format", "yaml"},
         "--format: unknown format 'yaml'"},
        {"bad colour", {source_path(k_examples[0]), "--color", "sometimes"}, "--color"},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) {
            auto r = run(c.args);
            INFO(r.err);
            CHECK(r.exit_code == 2);
            CHECK(r.out.empty());
            CHECK(r.err.rfind("roundtable: error: ", 0) == 0);
            CHECK(r.err.find(c.message) != std::string::npos);
            CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1); // one line
        }
    }
    SECTION("--max-bytes raises the limit") {
        auto r =
            run({dir.write("big2.txt", big.substr(0, 300000)).string(), "--max-bytes", "100000"});
        CHECK(r.exit_code == 2);
        auto ok = run({dir.write("big3.txt", read_all(source_path(k_examples[0]))).string(),
                       "--max-bytes", "4000", "--format", "json"});
        CHECK(ok.exit_code == 0);
    }
}

TEST_CASE("cli::invalid UTF-8 is replaced with a warning") {
    TempDir dir;
    std::string text = read_all(source_path(k_examples[1]));
    text.insert(100, "\xff\xfe");
    auto r = run({dir.write("bad.txt", text).string(), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("warning") != std::string::npos);
    CHECK(r.err.find("UTF-8") != std::string::npos);
    CHECK_NOTHROW(json::parse(r.out));
}

TEST_CASE("cli::configuration errors exit 4") {
    TempDir dir;
    SECTION("broken TOML") {
        auto cfg = dir.write("config.toml", "[panel\nseats = 3\n");
        auto r = run({source_path(k_examples[0]), "--config", cfg.string()});
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("config.toml:1") != std::string::npos);
    }
    SECTION("a seat named without its key") {
        auto r = run({source_path(k_examples[0]), "--panel", "claude"});
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("ANTHROPIC_API_KEY") != std::string::npos);
    }
}

TEST_CASE("cli::outputs") {
    SECTION("-o writes the file and nothing to stdout") {
        TempDir dir;
        auto out = dir.path() / "card.md";
        auto r = run({source_path(k_examples[0]), "--format", "markdown", "-o", out.string()});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.empty());
        std::string written = read_all(out.string());
        CHECK(written.find("offline analysts, no language model") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(out.string() + ".tmp"));
    }
    SECTION("text is the default format, without colour when not a terminal") {
        auto r = run({source_path(k_examples[0])});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find('\x1b') == std::string::npos);
        CHECK(r.out.find("BEARISH") != std::string::npos);
    }
    SECTION("--color always forces colour") {
        auto r = run({source_path(k_examples[0]), "--color", "always"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find('\x1b') != std::string::npos);
    }
    SECTION("--dry-run prints the requests and sends nothing") {
        auto r = run({source_path(k_examples[0]), "--dry-run"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("=== seat bull") != std::string::npos);
        CHECK(r.out.find("Corvane Motors said on Tuesday") != std::string::npos);
    }
    SECTION("--version and --help") {
        auto v = run({"--version"});
        CHECK(v.exit_code == 0);
        CHECK(v.out.rfind("roundtable ", 0) == 0);
        // `--version` alone answers before the parser is built; with another flag the
        // parser's version flag answers: both say the same.
        auto parsed = run({"--quiet", "--version"});
        CHECK(parsed.exit_code == 0);
        CHECK(parsed.out == v.out);
        auto h = run({"--help"});
        CHECK(h.exit_code == 0);
        CHECK(h.out.find("Examples:") != std::string::npos);
    }
    SECTION("schema and prompts subcommands") {
        auto s = run({"schema"});
        REQUIRE(s.exit_code == 0);
        CHECK(json::parse(s.out).at("$schema").get<std::string>().find("json-schema.org") !=
              std::string::npos);
        auto p = run({"prompts"});
        REQUIRE(p.exit_code == 0);
        CHECK(p.out.find("==> take.txt <==") != std::string::npos);
    }
}

TEST_CASE("cli::JSON cards validate against roundtable schema") {
    TempDir dir;
    auto schema = run({"schema"});
    REQUIRE(schema.exit_code == 0);
    auto schema_path = dir.write("schema.json", schema.out);
    std::string command =
        "python3 " + source_path("tests/schema/validate_card.py") + " " + schema_path.string();
    for (std::size_t i = 0; i < k_examples.size(); ++i) {
        auto r = run({source_path(k_examples[i]), "--format", "json"});
        REQUIRE(r.exit_code == 0);
        command += " " + dir.write("card" + std::to_string(i) + ".json", r.out).string();
    }
    CHECK(std::system((command + " >/dev/null").c_str()) == 0);
}

TEST_CASE("cli::no article on a terminal prints usage and exits 2") {
    // script(1) gives the binary a pseudo-terminal as stdin.
    if (!std::filesystem::exists("/usr/bin/script")) {
        FAIL("script(1) from util-linux is needed for this test");
    }
    RunSpec spec;
    spec.program = "/usr/bin/script";
    spec.args = {"-qec", std::string(RT_BINARY), "/dev/null"};
    auto r = run_binary(spec);
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("no article given") != std::string::npos); // the pty merges stdout and stderr
    CHECK(r.out.find("Usage:") != std::string::npos);
}

TEST_CASE("cli::extract") {
    SECTION("text: title, metadata, source, then exactly the body") {
        const auto r = run({"extract", source_path("tests/data/pages/div-soup.html")});
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        const std::string body = read_all(source_path("tests/data/pages/div-soup.txt"));
        CHECK(r.out.starts_with("Halvorsen Foods cuts outlook as freight costs bite\n"
                                "by Ana Ruiz · MarketWire · published 2024-03-05T14:20:00Z\n"
                                "source: "));
        CHECK(r.out.ends_with("\n\n" + body));
        CHECK(r.out.find("Comments (214)") == std::string::npos);
    }
    SECTION("json from stdin: {title, byline, published, site, text, chars, source}") {
        const auto r = run({"extract", "-", "--format", "json"},
                           read_all(source_path("tests/data/pages/json-ld-body.html")));
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(r.out);
        CHECK(j.at("title") == "Veltra Bank profit beats estimates on trading surge");
        CHECK(j.at("byline") == "Tom Becker, Sara Lind");
        CHECK(j.at("published") == "2024-04-16T07:05:00+02:00");
        CHECK(j.at("site") == "The Ledger");
        CHECK(j.at("source") == "stdin");
        CHECK(j.at("text").get<std::string>().starts_with("Veltra Bank reported first-quarter"));
        CHECK(j.at("chars").get<std::size_t>() > 500);
        CHECK(j.size() == 7);
    }
    SECTION("a page with no article: exit 2 and why") {
        const auto r = run({"extract", "-"},
                           "<html><body><div id=root></div><script>boot()</script></body></html>");
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == "roundtable: error: stdin: input has no article text: an empty shell whose "
                       "content is loaded by scripts\n");
    }
    SECTION("the card shows the page's metadata under its title") {
        const auto r = run({source_path("tests/data/pages/div-soup.html"), "--offline", "--format",
                            "json", "--no-cache"});
        REQUIRE(r.exit_code == 0);
        const json j = json::parse(r.out);
        CHECK(j.at("article").at("title") == "Halvorsen Foods cuts outlook as freight costs bite");
        CHECK(j.at("article").at("byline") == "Ana Ruiz");
        CHECK(j.at("article").at("site") == "MarketWire");
        CHECK(j.at("article").at("published") == "2024-03-05T14:20:00Z");
    }
}
