#include <roundtable/panel/observer.hpp>

namespace roundtable::panel {

const char* state_name(SeatState state) {
    switch (state) {
    case SeatState::waiting:
        return "waiting";
    case SeatState::answering:
        return "answering";
    case SeatState::retrying:
        return "retrying";
    case SeatState::repaired:
        return "repaired";
    case SeatState::done:
        return "done";
    case SeatState::failed:
        break;
    }
    return "failed";
}

} // namespace roundtable::panel
