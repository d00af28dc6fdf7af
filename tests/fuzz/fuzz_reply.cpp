// Fuzz target: a model's reply through the guard (extract_json_object, then
// validate_reply for every round and the repair instruction of its error).
// Properties: nothing crashes; a clean object and every error are valid UTF-8
// and the clean object parses as JSON, its strings holding no control character but tab and
// line breaks.
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <nlohmann/json.hpp>
#include <roundtable/guard/extract.hpp>
#include <roundtable/guard/validate.hpp>
#include <string_view>
#include <vector>

using namespace roundtable;

int fuzz::run_reply(const std::uint8_t* data, std::size_t size) {
    const std::string_view reply(reinterpret_cast<const char*>(data), size);
    const auto object = guard::extract_json_object(reply);
    if (!object) {
        fuzz::require(fuzz::is_valid_utf8(object.error()), "extract error is valid UTF-8");
    }
    for (const guard::Round round :
         {guard::Round::take, guard::Round::rebuttal, guard::Round::consensus}) {
        const auto clean = guard::validate_reply(round, reply);
        if (clean) {
            fuzz::require(fuzz::is_valid_utf8(*clean), "clean reply is valid UTF-8");
            fuzz::require(nlohmann::json::accept(*clean), "clean reply parses as JSON");
            // Its strings, as the card reads them, hold no escape sequence for a terminal.
            std::vector<const nlohmann::json*> values{};
            const nlohmann::json parsed = nlohmann::json::parse(*clean);
            values.push_back(&parsed);
            while (!values.empty()) {
                const nlohmann::json* value = values.back();
                values.pop_back();
                if (value->is_string()) {
                    fuzz::require(fuzz::is_terminal_safe(value->get_ref<const std::string&>()),
                                  "a clean reply's strings hold no control");
                } else if (value->is_structured()) {
                    for (const auto& item : *value) {
                        values.push_back(&item);
                    }
                }
            }
        } else {
            fuzz::require(fuzz::is_valid_utf8(clean.error()), "validate error is valid UTF-8");
            const std::string repair = guard::repair_instruction(round, clean.error());
            fuzz::require(fuzz::is_valid_utf8(repair), "repair instruction is valid UTF-8");
        }
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_reply(data, size);
}
#endif
