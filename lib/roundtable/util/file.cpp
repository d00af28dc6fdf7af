#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <roundtable/util/file.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace roundtable::util {

namespace {

// Closes a descriptor on scope exit.
class FdCloser {
public:
    explicit FdCloser(int fd) noexcept : m_fd(fd) {}
    FdCloser(const FdCloser&) = delete;
    FdCloser& operator=(const FdCloser&) = delete;
    ~FdCloser() { ::close(m_fd); }

private:
    int m_fd;
};

} // namespace

std::string describe_errno(int error) {
    switch (error) {
    case ENOENT:
    case ENOTDIR:
        return "no such file";
    case EACCES:
    case EPERM:
        return "permission denied";
    case EISDIR:
        return "is a directory";
    case ELOOP:
        return "too many levels of symbolic links";
    case ENAMETOOLONG:
        return "file name too long";
    case EMFILE:
    case ENFILE:
        return "too many open files";
    case EIO:
        return "input/output error";
    default:
        break;
    }
    std::string text = std::strerror(error);
    if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
        text[0] = static_cast<char>(text[0] - 'A' + 'a');
    }
    return text;
}

std::expected<CappedRead, std::string> read_fd_capped(int fd, std::size_t cap) {
    CappedRead result;
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        return std::unexpected(describe_errno(errno));
    }
    if (S_ISDIR(info.st_mode)) {
        return std::unexpected(std::string("is a directory"));
    }
    if (S_ISREG(info.st_mode)) {
        // What is left from the current offset (stdin may be a file read part-way).
        off_t offset = ::lseek(fd, 0, SEEK_CUR);
        if (offset < 0 || offset > info.st_size) {
            offset = 0;
        }
        const auto remaining = static_cast<std::uint64_t>(info.st_size - offset);
        result.size = remaining;
        if (remaining > cap) {
            result.over_cap = true;
            return result;
        }
        result.bytes.reserve(static_cast<std::size_t>(remaining));
    }
    // Stream with a cap: the file may grow or be a pipe, so sizes are never trusted.
    // At most cap + 1 bytes are read: one more than allowed proves the input too large.
    const std::size_t limit = cap == static_cast<std::size_t>(-1) ? cap : cap + 1;
    constexpr std::size_t k_chunk = 64 * 1024;
    char buffer[k_chunk];
    while (result.bytes.size() < limit) {
        const std::size_t want = std::min(k_chunk, limit - result.bytes.size());
        const ssize_t got = ::read(fd, buffer, want);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(describe_errno(errno));
        }
        if (got == 0) {
            break;
        }
        result.bytes.append(buffer, static_cast<std::size_t>(got));
    }
    if (result.bytes.size() > cap) {
        result.bytes.resize(cap);
        result.over_cap = true;
        result.size.reset(); // how much more there was is unknown
        return result;
    }
    result.size = result.bytes.size();
    return result;
}

std::expected<CappedRead, std::string> read_file_capped(const std::string& path, std::size_t cap) {
    if (path.empty()) {
        return std::unexpected(std::string("no such file"));
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return std::unexpected(describe_errno(errno));
    }
    FdCloser closer(fd);
    return read_fd_capped(fd, cap);
}

} // namespace roundtable::util
