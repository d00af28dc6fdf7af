// `roundtable completion bash|zsh|fish`: completion scripts from the CLI's own definitions.
#include "cli.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <roundtable/commands/completion.hpp>
#include <roundtable/config/config.hpp>
#include <roundtable/util/error.hpp>

namespace roundtable::app {

namespace {

// The values --format takes, by command (each command checks its own).
std::vector<std::string> formats_of(const std::string& path) {
    if (path == "models" || path == "extract") {
        return {"text", "json"};
    }
    if (path == "score") {
        return {"text", "json", "html"};
    }
    return {"text", "markdown", "json", "html"};
}

commands::CompletionOption option_of(const CLI::Option& opt, const std::string& path) {
    commands::CompletionOption out;
    for (const std::string& name : opt.get_snames()) {
        out.names.push_back("-" + name);
    }
    for (const std::string& name : opt.get_lnames()) {
        out.names.push_back("--" + name);
    }
    const std::string description = opt.get_description();
    out.help = description.substr(0, description.find_first_of(".;("));
    while (!out.help.empty() && out.help.back() == ' ') {
        out.help.pop_back();
    }
    out.takes_value = opt.get_items_expected_max() > 0;
    if (opt.check_lname("format")) {
        out.values = formats_of(path);
    } else if (opt.check_lname("color")) {
        out.values = {"auto", "always", "never"};
    } else if (opt.check_lname("progress")) {
        out.values = {"auto", "plain", "off"};
    }
    return out;
}

// Adds `app` (a subcommand of a Command) and its nested subcommands to `spec`, each accepting
// `inherited` (the top-level options of the Command, and the options of the commands above).
void describe(const CLI::App& app, std::vector<commands::CompletionOption> inherited,
              commands::CompletionSpec& spec) {
    commands::CompletionCommand command;
    command.path = command_path(app);
    command.help = app.get_description();
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->nonpositional() && opt->get_lnames().size() + opt->get_snames().size() > 0 &&
            !opt->check_lname("help")) {
            inherited.push_back(option_of(*opt, command.path));
        }
    }
    command.options = inherited;
    if (command.path == "completion") {
        command.words = {"bash", "zsh", "fish"};
    }
    spec.commands.push_back(std::move(command));
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        describe(*sub, inherited, spec);
    }
}

} // namespace

Command setup_completion(CLI::App& app, const std::vector<Command>& all) {
    auto shell = std::make_shared<std::string>();
    auto* completion = app.add_subcommand(
        "completion", "Print a shell completion script: bash, zsh or fish (seat names from "
                      "the config)");
    completion->add_option("shell", *shell, "bash, zsh or fish")->required();
    completion->footer(R"(Install:
  roundtable completion bash > ~/.local/share/bash-completion/completions/roundtable
  roundtable completion zsh > "${fpath[1]}/_roundtable"      (or: source <(roundtable completion zsh))
  roundtable completion fish > ~/.config/fish/completions/roundtable.fish
The .deb installs all three.)");
    Command command;
    command.app = completion;
    command.run = [shell, &all, &app](GlobalOptions& g) {
        commands::CompletionSpec spec;
        // The card command: every top-level option, and the subcommands.
        commands::CompletionCommand card;
        for (const CLI::Option* opt : app.get_options()) {
            if (opt->nonpositional() && !opt->check_lname("help")) {
                card.options.push_back(option_of(*opt, ""));
            }
        }
        spec.commands.push_back(card);
        for (const Command& c : all) {
            if (c.app == &app) {
                continue;
            }
            std::vector<commands::CompletionOption> accepted;
            for (const CLI::Option* opt : app.get_options()) {
                const std::string name = opt->get_name();
                const auto& ambient = ambient_options();
                if (opt->nonpositional() && name != "--help" && name != "--version" &&
                    (std::find(ambient.begin(), ambient.end(), name) != ambient.end() ||
                     std::find(c.options.begin(), c.options.end(), name) != c.options.end())) {
                    accepted.push_back(option_of(*opt, command_path(*c.app)));
                }
            }
            describe(*c.app, accepted, spec);
        }
        // Seat names: the built-in ones and the config's panel; a broken config gives the former.
        spec.seats = config::builtin_seat_names();
        try {
            config::Overrides overrides;
            overrides.config_path = g.overrides.config_path;
            overrides.require_keys = false;
            for (const auto& seat : config::load(overrides).seats) {
                if (std::find(spec.seats.begin(), spec.seats.end(), seat.name) ==
                    spec.seats.end()) {
                    spec.seats.push_back(seat.name);
                }
            }
        } catch (const Error&) {
        }
        std::cout << commands::completion_script(*shell, spec);
        return 0;
    };
    return command;
}

} // namespace roundtable::app
