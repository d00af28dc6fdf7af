// Fuzz target: corpus mode's JSONL input, one line through parse_jsonl_line and
// the whole input as a .jsonl file through InputReader.
// Properties: nothing throws; every item has an id or is an error naming its
// file and line; an error message is one line.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fuzz_support.hpp>
#include <roundtable/batch/inputs.hpp>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace roundtable;

namespace {

void check(const batch::InputItem& item) {
    if (item.kind == batch::InputItem::Kind::error) {
        fuzz::require(item.value.find('\n') == std::string::npos, "an input error is one line");
    } else {
        fuzz::require(!item.id.empty(), "an item has an id");
    }
}

} // namespace

int fuzz::run_jsonl(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(batch::parse_jsonl_line(input.substr(0, input.find('\n')), "fuzz.jsonl", 1,
                                  "/nonexistent"));

    static const std::string path =
        "/tmp/roundtable-fuzz-corpus-" + std::to_string(::getpid()) + ".jsonl";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    fuzz::require(file != nullptr, "the JSONL file can be written");
    fuzz::require(std::fwrite(data, 1, size, file) == size || size == 0, "the file is written");
    std::fclose(file);
    batch::InputReader reader({path});
    while (const auto item = reader.next()) {
        check(*item);
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_jsonl(data, size);
}
#endif
