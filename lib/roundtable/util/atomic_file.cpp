#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>
#include <unistd.h>

namespace roundtable::util {

void write_file_atomic(const std::string& path, std::string_view content) {
    std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    auto fail = [&](int err) {
        ::unlink(tmp.c_str());
        throw Error(Exit::usage, fmt::format("{}: cannot write: {}", path, std::strerror(err)));
    };
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        throw Error(Exit::usage, fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    }
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            int err = errno;
            ::close(fd);
            fail(err);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        int err = errno;
        ::close(fd);
        fail(err);
    }
    if (::close(fd) != 0) {
        fail(errno);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        fail(errno);
    }
}

} // namespace roundtable::util
