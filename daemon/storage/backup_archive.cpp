#include "storage/backup_archive.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <sstream>

namespace callpy::storage {

namespace {

constexpr std::size_t kBlock = 512;

// ustar header field offsets and widths (POSIX.1-1988).
constexpr std::size_t kNameOff = 0, kNameLen = 100;
constexpr std::size_t kModeOff = 100, kUidOff = 108, kGidOff = 116;
constexpr std::size_t kSizeOff = 124, kSizeLen = 12;
constexpr std::size_t kMtimeOff = 136, kMtimeLen = 12;
constexpr std::size_t kChecksumOff = 148, kChecksumLen = 8;
constexpr std::size_t kTypeOff = 156;
constexpr std::size_t kMagicOff = 257;
constexpr std::size_t kPrefixOff = 345, kPrefixLen = 155;

void putOctal(char* field, std::size_t width, std::uint64_t value) {
  // width-1 digits, zero-padded, then NUL.
  std::string digits(width - 1, '0');
  for (std::size_t i = width - 1; i-- > 0 && value;) {
    digits[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  std::memcpy(field, digits.data(), width - 1);
  field[width - 1] = '\0';
}

std::uint64_t headerChecksum(const char* block) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    bool inField = i >= kChecksumOff && i < kChecksumOff + kChecksumLen;
    sum += inField ? static_cast<unsigned char>(' ') : static_cast<unsigned char>(block[i]);
  }
  return sum;
}

std::uint64_t parseNumber(const char* field, std::size_t width, const char* what) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(field);
  if (bytes[0] & 0x80) {  // GNU base-256
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < width; ++i) {
      if (v >> 56) throw ArchiveError(std::string("tar header: ") + what + " is too large");
      v = (v << 8) | bytes[i];
    }
    return v;
  }
  std::uint64_t v = 0;
  std::size_t i = 0;
  while (i < width && (field[i] == ' ' || field[i] == '0')) ++i;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = (v << 3) | (field[i] - '0');
  for (; i < width; ++i) {
    if (field[i] != '\0' && field[i] != ' ') {
      throw ArchiveError(std::string("tar header: malformed ") + what + " field");
    }
  }
  return v;
}

template <typename T>
bool parseInt(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

bool isSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::uint64_t BackupManifest::fileBytes() const {
  std::uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  return total;
}

std::string formatManifest(const BackupManifest& m) {
  std::ostringstream out;
  out << "callpy-backup " << m.format << '\n'
      << "producer " << m.producer << '\n'
      << "created_at " << m.createdAt << '\n'
      << "schema_version " << m.schemaVersion << '\n'
      << "dialogs " << m.dialogs << '\n'
      << "messages " << m.messages << '\n'
      << "database " << m.databaseSha256 << ' ' << m.databaseSize << '\n';
  for (const auto& f : m.files) out << "file " << f.sha256 << ' ' << f.size << '\n';
  out << "end\n";
  return out.str();
}

BackupManifest parseManifest(std::string_view text) {
  BackupManifest m;
  bool sawHeader = false, sawDatabase = false, sawEnd = false, sawSchema = false;
  int lineNo = 0;
  while (!text.empty()) {
    auto eol = text.find('\n');
    if (eol == std::string_view::npos) throw ArchiveError("manifest: the last line is cut short");
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 1);
    ++lineNo;
    auto bad = [&](const std::string& why) {
      return ArchiveError("manifest line " + std::to_string(lineNo) + ": " + why);
    };
    if (sawEnd) throw bad("text after \"end\"");
    auto space = line.find(' ');
    std::string_view key = line.substr(0, space);
    std::string_view value = space == std::string_view::npos ? "" : line.substr(space + 1);
    if (!sawHeader) {
      if (key != "callpy-backup") throw ArchiveError("not a Callpy backup (no manifest header)");
      if (!parseInt(value, m.format)) throw bad("bad format number");
      if (m.format != kArchiveFormat) {
        throw ArchiveError("backup format " + std::string(value) + " is not supported (this " +
                           "callpyctl reads format " + std::to_string(kArchiveFormat) + ")");
      }
      sawHeader = true;
    } else if (key == "producer") {
      m.producer = std::string(value);
    } else if (key == "created_at") {
      if (!parseInt(value, m.createdAt)) throw bad("bad created_at");
    } else if (key == "schema_version") {
      if (!parseInt(value, m.schemaVersion) || m.schemaVersion < 1) throw bad("bad schema_version");
      sawSchema = true;
    } else if (key == "dialogs") {
      if (!parseInt(value, m.dialogs)) throw bad("bad dialogs count");
    } else if (key == "messages") {
      if (!parseInt(value, m.messages)) throw bad("bad messages count");
    } else if (key == "database" || key == "file") {
      auto sp = value.find(' ');
      std::string_view sha = value.substr(0, sp);
      std::uint64_t size = 0;
      if (sp == std::string_view::npos || !isSha256Hex(sha) || !parseInt(value.substr(sp + 1), size)) {
        throw bad("expected \"" + std::string(key) + " <sha256> <size>\"");
      }
      if (key == "database") {
        m.databaseSha256 = std::string(sha);
        m.databaseSize = size;
        sawDatabase = true;
      } else {
        m.files.push_back({std::string(sha), size});
      }
    } else if (key == "end") {
      sawEnd = true;
    } else {
      throw bad("unknown key \"" + std::string(key) + "\"");
    }
  }
  if (!sawHeader) throw ArchiveError("not a Callpy backup (empty manifest)");
  if (!sawEnd) throw ArchiveError("manifest is truncated (no \"end\" line)");
  if (!sawDatabase || !sawSchema) throw ArchiveError("manifest names no database or schema version");
  return m;
}

void TarWriter::put(const char* data, std::size_t n) {
  out_.write(data, static_cast<std::streamsize>(n));
  if (!out_) throw ArchiveError("cannot write the archive (output stream failed)");
  written_ += n;
}

void TarWriter::beginEntry(std::string_view name, std::uint64_t size, std::int64_t mtime) {
  if (inEntry_) throw std::logic_error("TarWriter: previous entry not ended");
  std::array<char, kBlock> h{};
  if (name.size() <= kNameLen) {
    std::memcpy(h.data() + kNameOff, name.data(), name.size());
  } else {
    // ustar splits long paths at a '/' into prefix and name.
    auto slash = name.rfind('/', kPrefixLen);
    if (slash == std::string_view::npos || name.size() - slash - 1 > kNameLen) {
      throw ArchiveError("entry name too long for ustar: " + std::string(name));
    }
    std::memcpy(h.data() + kPrefixOff, name.data(), slash);
    std::memcpy(h.data() + kNameOff, name.data() + slash + 1, name.size() - slash - 1);
  }
  putOctal(h.data() + kModeOff, 8, 0640);
  putOctal(h.data() + kUidOff, 8, 0);
  putOctal(h.data() + kGidOff, 8, 0);
  if (size < (std::uint64_t{1} << 33)) {
    putOctal(h.data() + kSizeOff, kSizeLen, size);
  } else {
    auto* field = reinterpret_cast<unsigned char*>(h.data() + kSizeOff);
    field[0] = 0x80;
    std::uint64_t v = size;
    for (std::size_t i = kSizeLen; i-- > 1;) {
      field[i] = static_cast<unsigned char>(v & 0xff);
      v >>= 8;
    }
  }
  putOctal(h.data() + kMtimeOff, kMtimeLen, static_cast<std::uint64_t>(std::max<std::int64_t>(mtime, 0)));
  h[kTypeOff] = '0';
  std::memcpy(h.data() + kMagicOff, "ustar\0" "00", 8);
  putOctal(h.data() + kChecksumOff, 7, headerChecksum(h.data()));
  h[kChecksumOff + 7] = ' ';
  put(h.data(), kBlock);
  inEntry_ = true;
  entrySize_ = size;
  remaining_ = size;
}

void TarWriter::write(const char* data, std::size_t n) {
  if (!inEntry_ || n > remaining_) throw ArchiveError("archive entry grew past its announced size");
  put(data, n);
  remaining_ -= n;
}

void TarWriter::endEntry() {
  if (!inEntry_) throw std::logic_error("TarWriter: no entry to end");
  if (remaining_ != 0) throw ArchiveError("archive entry is shorter than its announced size");
  static const char zeros[kBlock] = {};
  std::size_t pad = (kBlock - entrySize_ % kBlock) % kBlock;
  put(zeros, pad);
  inEntry_ = false;
}

void TarWriter::addEntry(std::string_view name, std::string_view data, std::int64_t mtime) {
  beginEntry(name, data.size(), mtime);
  write(data.data(), data.size());
  endEntry();
}

void TarWriter::finish() {
  static const char zeros[kBlock * 2] = {};
  put(zeros, sizeof zeros);
  out_.flush();
}

void TarReader::skipRest() {
  char buffer[16384];
  while (remaining_ > 0) read(buffer, sizeof buffer);
  while (padding_ > 0) {
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(padding_, sizeof buffer));
    in_.read(buffer, static_cast<std::streamsize>(n));
    if (static_cast<std::size_t>(in_.gcount()) != n) throw ArchiveError("archive is truncated");
    padding_ -= n;
  }
}

bool TarReader::next(TarEntry& entry) {
  if (started_) skipRest();
  started_ = true;
  std::array<char, kBlock> h{};
  in_.read(h.data(), kBlock);
  if (static_cast<std::size_t>(in_.gcount()) != kBlock) {
    throw ArchiveError("archive is truncated (it ends without tar's end marker)");
  }
  if (std::all_of(h.begin(), h.end(), [](char c) { return c == 0; })) return false;
  if (std::memcmp(h.data() + kMagicOff, "ustar", 5) != 0) {
    throw ArchiveError("not a tar archive, or a corrupt header (no ustar magic)");
  }
  auto stored = parseNumber(h.data() + kChecksumOff, kChecksumLen, "checksum");
  if (stored != headerChecksum(h.data())) throw ArchiveError("corrupt tar header (checksum mismatch)");
  auto field = [&](std::size_t off, std::size_t len) {
    std::string s(h.data() + off, len);
    s.resize(std::strlen(s.c_str()));
    return s;
  };
  std::string prefix = field(kPrefixOff, kPrefixLen);
  entry.name = (prefix.empty() ? "" : prefix + "/") + field(kNameOff, kNameLen);
  entry.size = parseNumber(h.data() + kSizeOff, kSizeLen, "size");
  entry.type = h[kTypeOff] == '\0' ? '0' : h[kTypeOff];
  remaining_ = entry.size;
  padding_ = (kBlock - entry.size % kBlock) % kBlock;
  return true;
}

std::size_t TarReader::read(char* buffer, std::size_t n) {
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, remaining_));
  if (n == 0) return 0;
  in_.read(buffer, static_cast<std::streamsize>(n));
  if (static_cast<std::size_t>(in_.gcount()) != n) throw ArchiveError("archive is truncated");
  remaining_ -= n;
  return n;
}

std::string TarReader::readAll(std::size_t limit) {
  if (remaining_ > limit) throw ArchiveError("archive entry is implausibly large");
  std::string out(static_cast<std::size_t>(remaining_), '\0');
  std::size_t got = 0;
  while (got < out.size()) got += read(out.data() + got, out.size() - got);
  return out;
}

}  // namespace callpy::storage
