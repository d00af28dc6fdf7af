// End-to-end tests of where options may go: every option of the top-level command
// works before or after any subcommand with the same effect, an option a command
// does not read is refused with a one-line reason, and one option given twice with
// different values is a usage error (exit 2).
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;
using nlohmann::json;

namespace {

// Three offline seats, chaired by quant: visible on a card, in `providers` and in batch lines.
constexpr const char* k_config = R"([panel]
seats = ["bear", "bull", "quant"]
chair = "quant"
quorum = 2
)";

RunResult run(std::vector<std::string> args, const std::string& cache_home) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.env = {{"XDG_CACHE_HOME", cache_home}, {"XDG_CONFIG_HOME", cache_home + "/none"}};
    return run_binary(spec);
}

// Removes what differs between two runs of one command: the cards' wall times.
std::string stable(const std::string& text) {
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        auto parsed = json::parse(line, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_object()) {
            if (parsed.contains("usage")) {
                parsed["usage"].erase("wall_ms");
            }
            if (parsed.contains("card")) {
                parsed["card"]["usage"].erase("wall_ms");
            }
            line = parsed.dump();
        } else if (line.find("wall") != std::string::npos ||
                   line.find(" ms") != std::string::npos ||
                   line.find("/s · ") != std::string::npos ||
                   line.find("/min · ") != std::string::npos) {
            continue; // a text footer's timing, a progress line's rate
        }
        out += line + '\n';
    }
    return out;
}

struct Case {
    std::string name;
    std::vector<std::string> command; // the subcommand words
    std::vector<std::string> rest;    // its own arguments, after it
};

} // namespace

TEST_CASE("options::every top-level option works before or after every subcommand") {
    TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const auto cfg = dir.write("my.toml", k_config).string();
    const auto article = source_path("examples/bearish-truck-recall.txt");
    const auto corpus = dir.path() / "corpus";
    dir.write("corpus/a.txt", "");
    std::filesystem::copy_file(article, corpus / "a.txt",
                               std::filesystem::copy_options::overwrite_existing);
    const auto outcomes = dir.write("outcomes.csv", "id,label\na,bearish\n").string();

    // One logged card and one JSONL line, for logs and score.
    const auto lines = dir.path() / "cards.jsonl";
    REQUIRE(run({"batch", corpus.string(), "--jsonl", lines.string(), "--config", cfg}, cache)
                .exit_code == 0);

    const std::vector<Case> cases{
        {"batch", {"batch"}, {corpus.string()}},
        {"providers", {"providers"}, {}},
        {"models", {"models"}, {}},
        {"schema", {"schema"}, {}},
        {"schema score", {"schema", "score"}, {}},
        {"prompts", {"prompts"}, {}},
        {"extract", {"extract"}, {article}},
        {"logs", {"logs"}, {}},
        {"logs show", {"logs", "show"}, {"1"}},
        {"cache", {"cache"}, {}},
        {"score", {"score"}, {lines.string(), "--outcomes", outcomes}},
    };
    const std::vector<std::vector<std::string>> options{
        {"--config", cfg}, {"-q"}, {"--quiet"}, {"--color", "never"}, {"-v"}, {"--verbose"}};

    for (const Case& c : cases) {
        for (const auto& option : options) {
            std::vector<std::string> before = option;
            before.insert(before.end(), c.command.begin(), c.command.end());
            before.insert(before.end(), c.rest.begin(), c.rest.end());
            std::vector<std::string> after = c.command;
            after.insert(after.end(), option.begin(), option.end());
            after.insert(after.end(), c.rest.begin(), c.rest.end());
            std::vector<std::string> last = c.command;
            last.insert(last.end(), c.rest.begin(), c.rest.end());
            last.insert(last.end(), option.begin(), option.end());
            INFO(c.name << " with " << option.front());
            const RunResult a = run(before, cache);
            const RunResult b = run(after, cache);
            const RunResult z = run(last, cache);
            CHECK(a.exit_code == 0);
            CHECK(a.exit_code == b.exit_code);
            CHECK(a.exit_code == z.exit_code);
            CHECK(stable(a.out) == stable(b.out));
            CHECK(stable(a.out) == stable(z.out));
            CHECK(stable(a.err) == stable(b.err));
            CHECK(stable(a.err) == stable(z.err));
        }
    }
}

TEST_CASE("options::a top-level option takes effect after the subcommand as before it") {
    TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const auto cfg = dir.write("my.toml", k_config).string();
    const auto article = source_path("examples/bearish-truck-recall.txt");

    SECTION("--config reaches providers") {
        for (const auto& args : {std::vector<std::string>{"--config", cfg, "providers"},
                                 std::vector<std::string>{"providers", "--config", cfg}}) {
            const RunResult r = run(args, cache);
            REQUIRE(r.exit_code == 0);
            CHECK(r.out.find("quant") != std::string::npos);
            CHECK(r.out.find("skeptic") == std::string::npos); // the default offline panel's
        }
    }
    SECTION("--config reaches batch: three seats, quant chairs") {
        const auto corpus = dir.write("corpus/a.txt", "x").parent_path();
        std::filesystem::copy_file(article, corpus / "a.txt",
                                   std::filesystem::copy_options::overwrite_existing);
        for (const auto& args :
             {std::vector<std::string>{"--config", cfg, "batch", corpus.string()},
              std::vector<std::string>{"batch", corpus.string(), "--config", cfg}}) {
            const RunResult r = run(args, cache);
            REQUIRE(r.exit_code == 0);
            const json line = json::parse(r.out);
            CHECK(line.at("card").at("seats").size() == 3);
            CHECK(line.at("card").at("consensus").at("chair") == "quant");
        }
    }
    SECTION("--config, -q and --color reach the card wherever they stand") {
        const RunResult a = run({"--config", cfg, "-q", article, "-f", "json"}, cache);
        const RunResult b = run({article, "-f", "json", "-q", "--config", cfg}, cache);
        REQUIRE(a.exit_code == 0);
        REQUIRE(b.exit_code == 0);
        CHECK(json::parse(a.out).at("seats").size() == 3);
        CHECK(stable(a.out) == stable(b.out));
        CHECK(a.err.empty());
        CHECK(b.err.empty());
    }
}

TEST_CASE("options::what cannot work says why, in one line, exit 2") {
    TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const auto a = dir.write("a.toml", k_config).string();
    const auto b = dir.write("b.toml", k_config).string();
    const auto article = source_path("examples/bearish-truck-recall.txt");

    const auto check = [&](const std::vector<std::string>& args, const std::string& message) {
        INFO(args.front());
        const RunResult r = run(args, cache);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.find(message) != std::string::npos);
        CHECK(r.err.starts_with("roundtable: error: "));
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    };
    check({"--config", a, "batch", article, "--config", b},
          "--config given twice with different values");
    check({"--format", "json", "batch", article},
          "--format does not apply to `roundtable batch`: every line is a JSON card");
    check({"--jsonl", "x.jsonl", "batch", article},
          "--jsonl is an option of `roundtable batch`: give it after `batch`");
    check({"schema", "--dry-run"}, "--dry-run does not apply to `roundtable schema`");
    check({"providers", article}, "unexpected argument");
    check({"-q", "providers", "-v"}, "excludes");
    check({"logs", "--format", "json"}, "--format applies to `roundtable logs show ID`");

    SECTION("the same value twice is not an error") {
        const RunResult r = run({"--config", a, "providers", "--config", a}, cache);
        CHECK(r.exit_code == 0);
    }
}
