// End-to-end tests of what gets installed beside the binary: the man page lists
// every option the help lists, and the completion scripts parse in their shells
// and complete subcommands, options, formats and the config's seat names.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable::testing;

namespace {

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

RunResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.env = std::move(env);
    return run_binary(spec);
}

// Every command path the CLI has, nested ones included.
const std::vector<std::vector<std::string>> k_commands{{},
                                                       {"batch"},
                                                       {"schema"},
                                                       {"schema", "score"},
                                                       {"prompts"},
                                                       {"providers"},
                                                       {"models"},
                                                       {"extract"},
                                                       {"logs"},
                                                       {"logs", "show"},
                                                       {"cache"},
                                                       {"cache", "prune"},
                                                       {"cache", "clear"},
                                                       {"score"},
                                                       {"completion"}};

// Runs `script` with `program` (a shell); returns what it printed.
RunResult shell(const std::string& program, const std::string& script) {
    RunSpec spec;
    spec.program = "/bin/" + program;
    if (!std::filesystem::exists(spec.program)) {
        spec.program = "/usr/bin/" + program;
    }
    spec.args = {"-c", script};
    return run_binary(spec);
}

} // namespace

TEST_CASE("install::the man page lists every option --help lists") {
    const std::string page = read_all(source_path("doc/roundtable.1"));
    REQUIRE_FALSE(page.empty());
    // roff writes "-" as "\-": compare the page with its escapes undone.
    const std::string text = std::regex_replace(page, std::regex(R"(\\-)"), "-");
    const std::regex option(R"((^|[\s,])(--?[a-zA-Z][a-zA-Z0-9-]*))");
    std::set<std::string> listed;
    for (const auto& command : k_commands) {
        auto args = command;
        args.push_back("--help");
        const RunResult r = run(args);
        REQUIRE(r.exit_code == 0);
        std::istringstream lines(r.out);
        bool in_options = false;
        for (std::string line; std::getline(lines, line);) {
            if (line.starts_with("Options:")) {
                in_options = true;
                continue;
            }
            if (line.empty() || !line.starts_with("  ")) {
                in_options = line.empty() ? in_options : false;
                continue;
            }
            if (!in_options || line.starts_with("      ")) {
                continue; // a wrapped description
            }
            std::smatch m;
            std::string rest = line.substr(0, line.find("  ", 2));
            while (std::regex_search(rest, m, option)) {
                listed.insert(m[2]);
                rest = m.suffix();
            }
        }
    }
    CHECK(listed.size() > 40);
    for (const std::string& name : listed) {
        INFO(name);
        CHECK(text.find(name) != std::string::npos);
    }
}

TEST_CASE("install::completion scripts parse and complete") {
    TempDir dir;
    const auto cfg = dir.write("my.toml", R"([panel]
seats = ["mistral", "bear"]
quorum = 1

[seats.mistral]
provider = "openai-compatible"
base_url = "http://127.0.0.1:9/v1"
model = "mistral-small"
)");
    for (const std::string shell_name : {"bash", "zsh", "fish"}) {
        INFO(shell_name);
        const RunResult r = run({"completion", shell_name, "--config", cfg.string()});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out.find("batch") != std::string::npos);
        CHECK(r.out.find("mistral") != std::string::npos); // a seat of the config
        const auto file = dir.write("completion." + shell_name, r.out);
        const std::string program = shell_name;
        if (std::filesystem::exists("/bin/" + program) ||
            std::filesystem::exists("/usr/bin/" + program)) {
            const RunResult check = shell(program, program + " -n " + file.string());
            INFO(check.err);
            CHECK(check.exit_code == 0);
        }
    }
    CHECK(run({"completion", "tcsh"}).exit_code == 2);

    // bash: complete a few command lines with the generated function.
    const auto script = dir.path() / "completion.bash";
    const auto empty = dir.path() / "empty"; // files complete too: from a folder with none
    std::filesystem::create_directory(empty);
    const auto complete = [&](const std::string& line) {
        const RunResult r =
            shell("bash", "cd " + empty.string() + " && source " + script.string() +
                              "; COMP_WORDS=(" + line +
                              "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _roundtable; "
                              "printf '%s\\n' \"${COMPREPLY[@]}\"");
        INFO(r.err);
        CHECK(r.exit_code == 0);
        return r.out;
    };
    CHECK(complete("roundtable ba") == "batch\n");
    CHECK(complete("roundtable logs sh") == "show\n");
    CHECK(complete("roundtable batch --js") == "--jsonl\n");
    CHECK(complete("roundtable --conf") == "--config\n");
    CHECK(complete("roundtable batch --conf") == "--config\n"); // top-level options after it
    CHECK(complete("roundtable --format ''") == "text\nmarkdown\njson\nhtml\n");
    CHECK(complete("roundtable models --format ''") == "text\njson\n");
    CHECK(complete("roundtable --chair mi") == "mistral\n");
    CHECK(complete("roundtable --panel bear,mi") == "bear,mistral\n");
    CHECK(complete("roundtable completion ''") == "bash\nzsh\nfish\n");
    CHECK(complete("roundtable schema --dry") == "\n");        // not an option of schema
    CHECK(complete("roundtable --dry-run sch") == "schema\n"); // a flag takes no value
}
