// `roundtable completion bash|zsh|fish`: shell completion scripts generated from a
// description of the command line (the app builds it from its CLI11 definitions),
// so a new subcommand or flag is completed without editing a script: subcommands
// (nested ones too), each command's options, the values of --format and --color,
// seat names for --panel, --chair, --model and --effort, files elsewhere.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace roundtable::commands {

// One option as a completion script offers it.
struct CompletionOption {
    std::vector<std::string> names;  // "-f", "--format"
    std::string help;                // one line
    bool takes_value = false;        // false: a flag
    std::vector<std::string> values; // the values it completes to; empty: files (if it takes one)
};

// One command: "" for the card command, "batch", "logs show", ...
struct CompletionCommand {
    std::string path;
    std::string help;
    std::vector<CompletionOption> options; // its own and the top-level ones it accepts
    std::vector<std::string> words;        // words its argument completes to (shells), if any
};

struct CompletionSpec {
    std::vector<CompletionCommand> commands; // the card command ("") first
    std::vector<std::string> seats;          // seat names for --panel, --chair, --model, --effort
};

// Returns the completion script for `shell` ("bash", "zsh" or "fish"); throws
// Error(Exit::usage) for another shell.
std::string completion_script(const std::string& shell, const CompletionSpec& spec);

} // namespace roundtable::commands
