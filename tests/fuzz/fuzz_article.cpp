// Fuzz target: raw input bytes through the article reader (binary sniffing,
// encoding repair and conversion, HTML detection and extraction, whitespace
// normalization), then sentence splitting and instruction detection of its text.
// Properties: the only exception is roundtable::Error; the text is valid UTF-8, and it and
// the page's metadata hold no control character but tab and line breaks;
// its sentences are in order, cut on character boundaries, and none is longer
// than article::k_max_sentence_bytes. The raw bytes, as a JSON string, are
// written by util::dump_json exactly as nlohmann writes them (request bodies
// carry outside text through it).
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/article/article.hpp>
#include <roundtable/article/sentences.hpp>
#include <roundtable/guard/injection.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/json_text.hpp>
#include <string>
#include <string_view>

using namespace roundtable;

int fuzz::run_article(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    const nlohmann::json raw(bytes);
    fuzz::require(util::dump_json(raw) ==
                      raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "dump_json writes nlohmann's bytes");
    try {
        const article::Article read = article::from_bytes(std::move(bytes), "fuzz");
        fuzz::require(fuzz::is_valid_utf8(read.text), "article text is valid UTF-8");
        fuzz::require(fuzz::is_valid_utf8(read.title), "article title is valid UTF-8");
        for (const std::string* field :
             {&read.text, &read.title, &read.byline, &read.published, &read.site}) {
            fuzz::require(fuzz::is_terminal_safe(*field), "article text holds no control");
        }
        const std::string text = article::grounding_text(read);
        std::size_t previous_end = 0;
        for (const article::Sentence& sentence : article::split_sentences(text)) {
            fuzz::require(previous_end <= sentence.begin && sentence.begin < sentence.end &&
                              sentence.end <= text.size(),
                          "sentences are non-empty, in order and inside the text");
            fuzz::require(sentence.end - sentence.begin <= article::k_max_sentence_bytes,
                          "sentence within k_max_sentence_bytes");
            fuzz::require(fuzz::is_valid_utf8(std::string_view(text).substr(
                              sentence.begin, sentence.end - sentence.begin)),
                          "sentence cut on character boundaries");
            previous_end = sentence.end;
        }
        (void)guard::find_instructions(text);
    } catch (const Error& error) {
        fuzz::require(fuzz::is_valid_utf8(error.what()), "error is valid UTF-8");
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_article(data, size);
}
#endif
