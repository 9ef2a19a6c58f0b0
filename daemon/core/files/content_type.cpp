#include "core/files/content_type.h"

#include <algorithm>
#include <array>

#include "core/common/error.h"

namespace callpy::core::files {

namespace {

struct KindInfo {
  FileKind kind;
  const char* ext;
  const char* mime;
};

constexpr std::array<KindInfo, 16> kKinds{{
    {FileKind::Jpeg, "jpg", "image/jpeg"},
    {FileKind::Png, "png", "image/png"},
    {FileKind::Gif, "gif", "image/gif"},
    {FileKind::Bmp, "bmp", "image/bmp"},
    {FileKind::Psd, "psd", "image/vnd.adobe.photoshop"},
    {FileKind::Pdf, "pdf", "application/pdf"},
    {FileKind::Text, "txt", "text/plain; charset=utf-8"},
    {FileKind::Doc, "doc", "application/msword"},
    {FileKind::Docx, "docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {FileKind::Xls, "xls", "application/vnd.ms-excel"},
    {FileKind::Xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {FileKind::Zip, "zip", "application/zip"},
    {FileKind::Rar, "rar", "application/vnd.rar"},
    {FileKind::Wav, "wav", "audio/wav"},
    {FileKind::Webm, "webm", "video/webm"},
    {FileKind::Ogg, "ogg", "audio/ogg"},  // call recordings (Ogg Opus)
}};

const KindInfo& info(FileKind k) {
  for (const auto& i : kKinds) {
    if (i.kind == k) return i;
  }
  return kKinds[0];
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::uint32_t le16(std::string_view s, std::size_t at) {
  if (at + 2 > s.size()) return 0;
  return static_cast<unsigned char>(s[at]) | (static_cast<unsigned char>(s[at + 1]) << 8);
}

std::uint32_t le32(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return 0;
  return le16(s, at) | (le16(s, at + 2) << 16);
}

// --- ZIP: the central directory names the entries; Office Open XML files are ZIPs holding
// [Content_Types].xml plus word/ (docx) or xl/ (xlsx) parts.
struct ZipNames {
  bool contentTypes = false;
  bool word = false;
  bool xl = false;
};

void noteName(ZipNames& z, std::string_view name) {
  if (name == "[Content_Types].xml") z.contentTypes = true;
  if (startsWith(name, "word/")) z.word = true;
  if (startsWith(name, "xl/")) z.xl = true;
}

std::optional<ZipNames> zipNames(const ByteSource& src) {
  const auto size = src.size();
  // End of central directory: 22 bytes plus a comment of up to 65535 bytes, at the very end.
  const std::uint64_t tailLen = std::min<std::uint64_t>(size, 22 + 65535);
  const auto tail = src.read(size - tailLen, static_cast<std::size_t>(tailLen));
  auto eocd = tail.rfind(std::string_view("PK\x05\x06", 4));
  if (eocd == std::string::npos) return std::nullopt;
  const std::uint32_t entries = le16(tail, eocd + 10);
  const std::uint64_t cdSize = le32(tail, eocd + 12);
  const std::uint64_t cdOffset = le32(tail, eocd + 16);
  if (cdOffset + cdSize > size || cdSize > 64 * 1024 * 1024) return std::nullopt;
  const auto cd = src.read(cdOffset, static_cast<std::size_t>(cdSize));
  ZipNames z;
  std::size_t at = 0;
  for (std::uint32_t i = 0; i < entries; ++i) {
    if (at + 46 > cd.size() || cd.compare(at, 4, std::string_view("PK\x01\x02", 4)) != 0) {
      return std::nullopt;
    }
    const std::size_t nameLen = le16(cd, at + 28);
    const std::size_t extraLen = le16(cd, at + 30);
    const std::size_t commentLen = le16(cd, at + 32);
    if (at + 46 + nameLen > cd.size()) return std::nullopt;
    noteName(z, std::string_view(cd).substr(at + 46, nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return z;
}

// --- OLE2 compound file (doc, xls): walk the directory through the FAT and look for the
// stream that names the application ("WordDocument"; "Workbook" or "Book" for Excel).
std::optional<FileKind> oleKind(const ByteSource& src) {
  const auto header = src.read(0, 512);
  if (header.size() < 512) return std::nullopt;
  const unsigned shift = le16(header, 0x1E);
  if (shift != 9 && shift != 12) return std::nullopt;
  const std::uint64_t sectorSize = 1ULL << shift;
  const std::uint64_t sectors = src.size() / sectorSize;  // upper bound, bounds every walk
  auto sectorOffset = [&](std::uint32_t n) { return (static_cast<std::uint64_t>(n) + 1) * sectorSize; };
  // The FAT sectors: the first 109 are listed in the header, the rest in a DIFAT chain.
  std::vector<std::uint32_t> fatSectors;
  for (int i = 0; i < 109; ++i) {
    auto s = le32(header, 0x4C + 4 * i);
    if (s >= 0xFFFFFFFA) break;
    fatSectors.push_back(s);
  }
  std::uint32_t difat = le32(header, 0x44);
  for (std::uint64_t guard = 0; difat < 0xFFFFFFFA && guard < sectors; ++guard) {
    auto block = src.read(sectorOffset(difat), static_cast<std::size_t>(sectorSize));
    if (block.size() < sectorSize) return std::nullopt;
    const std::size_t perSector = sectorSize / 4 - 1;
    for (std::size_t i = 0; i < perSector; ++i) {
      auto s = le32(block, 4 * i);
      if (s < 0xFFFFFFFA) fatSectors.push_back(s);
    }
    difat = le32(block, 4 * perSector);
  }
  auto next = [&](std::uint32_t n) -> std::uint32_t {
    const std::uint64_t perSector = sectorSize / 4;
    const auto index = n / perSector;
    if (index >= fatSectors.size()) return 0xFFFFFFFE;
    auto entry = src.read(sectorOffset(fatSectors[index]) + (n % perSector) * 4, 4);
    return entry.size() == 4 ? le32(entry, 0) : 0xFFFFFFFE;
  };
  bool word = false;
  bool excel = false;
  std::uint32_t dir = le32(header, 0x30);
  for (std::uint64_t guard = 0; dir < 0xFFFFFFFA && guard <= sectors && guard < 4096; ++guard) {
    auto block = src.read(sectorOffset(dir), static_cast<std::size_t>(sectorSize));
    if (block.size() < sectorSize) break;
    for (std::size_t e = 0; e + 128 <= block.size(); e += 128) {
      const std::size_t nameBytes = std::min<std::size_t>(le16(block, e + 0x40), 64);
      std::string name;
      for (std::size_t i = 0; i + 1 < nameBytes; i += 2) {
        auto ch = le16(block, e + i);
        if (ch == 0) break;
        name += ch < 0x80 ? static_cast<char>(ch) : '?';
      }
      if (name == "WordDocument") word = true;
      if (name == "Workbook" || name == "Book") excel = true;
    }
    dir = next(dir);
  }
  if (word) return FileKind::Doc;
  if (excel) return FileKind::Xls;
  return std::nullopt;
}

// --- WebM: an EBML header whose DocType is "webm" (plain Matroska is not allowed).
bool isWebm(std::string_view head) {
  if (!startsWith(head, "\x1A\x45\xDF\xA3")) return false;
  auto at = head.find("\x42\x82", 4);
  if (at == std::string_view::npos || at + 3 > head.size()) return false;
  const auto sizeByte = static_cast<unsigned char>(head[at + 2]);
  if ((sizeByte & 0x80) == 0) return false;  // only the 1-byte size form appears in practice
  const std::size_t len = sizeByte & 0x7F;
  return head.substr(at + 3, len) == "webm";
}

bool isBmp(std::string_view head) {
  if (!startsWith(head, "BM") || head.size() < 26) return false;
  switch (le32(head, 14)) {  // the DIB header's size tells its version
    case 12: case 40: case 52: case 56: case 64: case 108: case 124: return true;
    default: return false;
  }
}

bool isText(const ByteSource& src) {
  Utf8Validator v;
  constexpr std::size_t kChunk = 64 * 1024;
  for (std::uint64_t at = 0; at < src.size(); at += kChunk) {
    if (!v.feed(src.read(at, kChunk))) return false;
  }
  return v.finish();
}

}  // namespace

const char* mimeOf(FileKind k) { return info(k).mime; }
const char* extensionOf(FileKind k) { return info(k).ext; }

bool isInlineImage(FileKind k) {
  return k == FileKind::Jpeg || k == FileKind::Png || k == FileKind::Gif || k == FileKind::Bmp;
}

const std::vector<std::string>& allowedExtensions() {
  static const std::vector<std::string> list{"jpg", "jpeg", "png", "gif", "psd", "pdf",
                                             "txt", "doc", "docx", "bmp", "zip", "rar",
                                             "wav", "xlsx", "xls", "webm", "ogg"};
  return list;
}

std::string fileExtension(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return {};
  std::string ext(name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return ext;
}

std::optional<FileKind> detectKind(const ByteSource& src) {
  if (src.size() == 0) return std::nullopt;
  const auto head = src.read(0, 4096);
  if (startsWith(head, "\xFF\xD8\xFF")) return FileKind::Jpeg;
  if (startsWith(head, "\x89PNG\r\n\x1A\n") && head.compare(12, 4, "IHDR") == 0) return FileKind::Png;
  if (startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) return FileKind::Gif;
  if (isBmp(head)) return FileKind::Bmp;
  if (startsWith(head, "8BPS") && (le16(head, 4) == 0x0100 || le16(head, 4) == 0x0200)) {
    return FileKind::Psd;  // version 1 (PSD) or 2 (PSB), big-endian
  }
  if (startsWith(head, "%PDF-")) return FileKind::Pdf;
  if (startsWith(head, std::string_view("Rar!\x1A\x07\x00", 7)) ||
      startsWith(head, std::string_view("Rar!\x1A\x07\x01\x00", 8))) {
    return FileKind::Rar;
  }
  if (startsWith(head, "RIFF") && head.size() >= 12 && head.compare(8, 4, "WAVE") == 0) {
    return FileKind::Wav;
  }
  if (isWebm(head)) return FileKind::Webm;
  // Ogg with an Opus stream first (RFC 7845): the first page's packet is the OpusHead.
  if (startsWith(head, "OggS") && head.size() >= 36 && head.compare(28, 8, "OpusHead") == 0) {
    return FileKind::Ogg;
  }
  if (startsWith(head, "PK\x03\x04") || startsWith(head, "PK\x05\x06")) {
    auto names = zipNames(src);
    if (!names) return std::nullopt;  // a broken archive is no archive
    if (names->contentTypes && names->word) return FileKind::Docx;
    if (names->contentTypes && names->xl) return FileKind::Xlsx;
    return FileKind::Zip;
  }
  if (startsWith(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) return oleKind(src);
  if (isText(src)) return FileKind::Text;
  return std::nullopt;
}

bool extensionMatches(FileKind k, std::string_view ext) {
  if (k == FileKind::Jpeg) return ext == "jpg" || ext == "jpeg";
  // Office Open XML files are ZIP archives: keeping one under .zip is honest.
  if (ext == "zip") return k == FileKind::Zip || k == FileKind::Docx || k == FileKind::Xlsx;
  return ext == extensionOf(k);
}

FileKind checkUpload(std::string_view name, const ByteSource& bytes) {
  const auto ext = fileExtension(name);
  const auto& allowed = allowedExtensions();
  if (std::find(allowed.begin(), allowed.end(), ext) == allowed.end()) {
    std::string list;
    for (const auto& e : allowed) list += (list.empty() ? "" : ", ") + e;
    throw invalid(ext.empty() ? "the file name has no extension; allowed types: " + list
                              : "files of type ." + ext + " are not allowed; allowed types: " + list,
                  "file");
  }
  if (bytes.size() == 0) throw invalid("the file is empty", "file");
  auto kind = detectKind(bytes);
  if (!kind) {
    throw invalid("the content of the file is not a ." + ext +
                      " file (nor any other allowed type)", "file");
  }
  if (!extensionMatches(*kind, ext)) {
    throw invalid(std::string("the content is a .") + extensionOf(*kind) +
                      " file but the name ends in ." + ext, "file");
  }
  return *kind;
}

bool Utf8Validator::feed(std::string_view chunk) {
  for (unsigned char c : chunk) {
    if (!ok_) return false;
    if (need_ > 0) {
      if (c < lo_ || c > hi_) {
        ok_ = false;
        return false;
      }
      lo_ = 0x80;
      hi_ = 0xBF;
      --need_;
      continue;
    }
    if (c == 0) {
      ok_ = false;
    } else if (c < 0x80) {
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      need_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need_ = 2;
      if (c == 0xE0) lo_ = 0xA0;  // no overlong forms
      if (c == 0xED) hi_ = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      need_ = 3;
      if (c == 0xF0) lo_ = 0x90;
      if (c == 0xF4) hi_ = 0x8F;  // nothing above U+10FFFF
    } else {
      ok_ = false;
    }
  }
  return ok_;
}

}  // namespace callpy::core::files
