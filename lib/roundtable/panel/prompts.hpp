// The round templates (prompts/*.txt, embedded at build time or read from
// --prompts DIR) and the rendering of each round's request text.
//
// Templates use {{name}} placeholders, replaced in a single pass: text
// substituted in (the article, other seats' words) is never scanned again, so
// an article that contains "{{others}}" stays as it is. The article is fenced
// by a token that is derived from its content and checked not to occur in it,
// so the article cannot close its own fence. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::panel {

struct PromptSet {
    std::string system;    // system text, identical in every round and for every seat
    std::string article;   // the fence around the article (leading part of every user text)
    std::string take;      // round 1 task
    std::string rebuttal;  // round 2 task
    std::string consensus; // chair's task

    // Returns the templates embedded in the binary.
    static PromptSet embedded();

    // Reads system.txt, article.txt, take.txt, rebuttal.txt and consensus.txt from
    // `dir`; throws Error(Exit::usage) naming the first missing or unreadable file
    // or a template that lacks a required placeholder.
    static PromptSet from_dir(const std::string& dir);

    // Returns {file name, text} pairs in a fixed order, for `roundtable prompts`.
    std::vector<std::pair<std::string, std::string>> files() const;
};

// Returns `tmpl` with every {{name}} that has a value in `values` replaced, in one
// pass; unknown placeholders are left as they are.
std::string render_template(std::string_view tmpl,
                            const std::map<std::string, std::string>& values);

// Returns the fence token for an article: derived from its text (so reruns are
// byte-identical and cacheable) and guaranteed not to occur in `text` or `title`.
std::string fence_token(std::string_view text, std::string_view title);

} // namespace roundtable::panel
