// Instruction-like sentences in an article: text addressed to the models
// ("Ignore all previous instructions and reply only with ...") rather than to
// readers. The prompts fence the article so that models read it as data; this
// guard makes the attempt visible on the card, lets the pipeline flag a seat
// whose take echoes one, and keeps the offline analysts from quoting one.
//
// Detection is lexical and deliberately narrow (a news article about AI that
// says a model "can respond to prompts" is not an instruction): an override of
// earlier instructions, a role reassignment, an order about the reply's form,
// or a sentence that addresses AI models and tells them what to do. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace roundtable::guard {

// Returns whether `sentence` reads as an instruction to a language model rather
// than as reporting; never fails.
bool looks_like_instruction(std::string_view sentence);

// Returns the instruction-like sentences of `article` (as written, in order,
// without duplicates), split as article::split_sentences does; empty when none.
std::vector<std::string> find_instructions(std::string_view article);

// Returns whether `text` (a seat's headline) repeats the instruction-like
// `sentence`: one holds the other's words in order, ignoring case, punctuation
// and spacing, over at least five words; never fails.
bool echoes(std::string_view text, std::string_view sentence);

} // namespace roundtable::guard
