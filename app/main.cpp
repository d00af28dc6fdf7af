// roundtable's entry point: CLI11 wiring only. Each command's options and the
// call into lib/roundtable/commands/ are in its own file of app/ (cli.hpp); this
// file builds the parser, installs the Ctrl-C handler and turns errors into exit
// codes (DESIGN §6).
#include "cli.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <roundtable/http/abort.hpp>
#include <roundtable/util/error.hpp>

namespace {

using roundtable::Error;
using roundtable::Exit;

extern "C" void on_interrupt(int) {
    roundtable::http::request_abort();
}

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

int interrupted() {
    std::cerr << "roundtable: interrupted\n";
    return static_cast<int>(Exit::interrupted);
}

} // namespace

int main(int argc, char** argv) {
    // `roundtable --version` answers before the parser is built: scripts probe
    // it, and building the ~50 options of the subcommands costs a millisecond.
    // The output is the one CLI11's version flag prints below.
    if (argc == 2 && std::string_view(argv[1]) == "--version") {
        std::fputs("roundtable " ROUNDTABLE_VERSION "\n", stdout);
        return 0;
    }
    namespace app = roundtable::app;
    CLI::App root{
        "roundtable: a panel of AI models reads a news article, argues about it, and agrees "
        "on what it means.",
        "roundtable"};
    root.set_version_flag("--version", std::string("roundtable ") + ROUNDTABLE_VERSION);
    app::GlobalOptions globals;
    app::add_global_options(root, globals);
    std::vector<app::Command> commands{
        app::setup_card(root),      app::setup_schema(root), app::setup_prompts(root),
        app::setup_providers(root), app::setup_models(root), app::setup_batch(root),
        app::setup_extract(root),   app::setup_logs(root),   app::setup_cache(root),
        app::setup_score(root),     app::setup_jobs(root),
    };
    commands.push_back(app::setup_completion(root, commands));
    app::describe_global_options(commands);

    try {
        root.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return root.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return root.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return root.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "roundtable: error: "
                  << app::explain_parse_error(root, std::vector<std::string>(argv + 1, argv + argc),
                                              e)
                  << " (see --help)\n";
        return static_cast<int>(Exit::usage);
    }

    install_interrupt_handler();
    try {
        const app::Command* command = &commands.front(); // the card, unless a subcommand ran
        for (const auto& candidate : commands) {
            if (candidate.app != &root && candidate.app->parsed()) {
                command = &candidate;
            }
        }
        app::check_command_line(root, *command);
        if (globals.panel) {
            globals.overrides.panel = {*globals.panel};
        }
        const int code = command->run(globals);
        return roundtable::http::abort_requested() ? interrupted() : code;
    } catch (const Error& e) {
        if (e.code() == Exit::interrupted || roundtable::http::abort_requested()) {
            return interrupted();
        }
        std::cerr << "roundtable: error: " << e.what() << '\n';
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        std::cerr << "roundtable: error: " << e.what() << '\n';
        return static_cast<int>(Exit::usage);
    }
}
