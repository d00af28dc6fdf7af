#include <fmt/format.h>
#include <istream>
#include <nlohmann/json.hpp>
#include <roundtable/score/cards.hpp>

namespace roundtable::score {

std::expected<void, std::string> read_card_line(std::string_view text, const std::string& name,
                                                std::size_t line, CardLines& into) {
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) {
        return {};
    }
    auto fail = [&](std::string_view problem) {
        return std::unexpected(fmt::format("{}:{}: {}", name, line, problem));
    };
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
        return fail("not valid JSON (a line of roundtable batch output was expected)");
    }
    if (!j.is_object() || !j.contains("id") || !j["id"].is_string()) {
        return fail("expected an object with a string \"id\" and a \"card\" (roundtable batch "
                    "output)");
    }
    if (!j.contains("card")) {
        if (j.contains("error")) {
            ++into.error_lines;
            return {};
        }
        return fail("expected a \"card\" or an \"error\" beside the id");
    }
    panel::Card card;
    try {
        panel::from_json(j["card"], card);
    } catch (const std::exception& e) {
        return fail(fmt::format("not a roundtable.card/v1 card: {}", e.what()));
    }
    into.cards.push_back(record_of(j["id"].get<std::string>(), card));
    return {};
}

std::expected<void, std::string> read_card_lines(std::istream& in, const std::string& name,
                                                 CardLines& into) {
    std::string text;
    std::size_t line = 0;
    while (std::getline(in, text)) {
        ++line;
        auto read = read_card_line(text, name, line, into);
        if (!read) {
            return read;
        }
    }
    return {};
}

} // namespace roundtable::score
