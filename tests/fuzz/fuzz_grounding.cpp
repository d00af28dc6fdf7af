// Fuzz target: grounding a seat's output against an article. The input is
// "ARTICLE\0OUTPUT" (evidence quotes are OUTPUT's lines); without a NUL byte the
// input is checked against itself and its second half against its first.
// Properties: nothing crashes; a report counts each claim once, looks up at most
// guard::k_max_claims_checked, and every claim of a text is found in that text.
#include <cstddef>
#include <cstdint>
#include <fuzz_support.hpp>
#include <roundtable/guard/grounding.hpp>
#include <string>
#include <string_view>
#include <vector>

using namespace roundtable;

namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

void check(std::string_view article, std::string_view output) {
    const guard::GroundingIndex index(article);
    const guard::GroundingReport report = index.check(output, lines_of(output));
    fuzz::require(report.checked <= guard::k_max_claims_checked, "at most k_max_claims_checked");
    fuzz::require(report.findings.size() <= report.checked, "one finding per claim looked up");
    fuzz::require(report.ungrounded.size() <= report.findings.size(),
                  "ungrounded claims are among the findings");
    (void)index.ungrounded(output);
}

} // namespace

int fuzz::run_grounding(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const guard::Claim& claim : guard::extract_claims(input)) {
        fuzz::require(!claim.text.empty(), "a claim has text");
    }
    const std::size_t nul = input.find('\0');
    if (nul != std::string_view::npos) {
        check(input.substr(0, nul), input.substr(nul + 1));
    } else {
        check(input, input);
        check(input.substr(0, size / 2), input.substr(size / 2));
    }
    return 0;
}

#ifndef RT_FUZZ_NO_MAIN
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return fuzz::run_grounding(data, size);
}
#endif
