#pragma once
// Tiny crafted files of every allowed type (and some that must be refused), built byte by byte
// so each test shows exactly which bytes make the type.
#include <cstdint>
#include <string>
#include <vector>

namespace callpy::core::files::samples {

inline std::string le16(std::uint32_t v) { return {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF)}; }
inline std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }
inline std::string bytes(const char* s, std::size_t n) { return std::string(s, n); }

inline std::string png() {
  return bytes("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0", 29) + std::string(20, '\0');
}
inline std::string jpeg() { return bytes("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11) + std::string(20, '\0'); }
inline std::string gif() { return "GIF89a" + bytes("\1\0\1\0\0\0\0;", 8); }
inline std::string bmp() { return "BM" + le32(70) + le32(0) + le32(54) + le32(40) + std::string(40, '\0'); }
inline std::string psd() { return bytes("8BPS\0\1\0\0\0\0\0\0", 12) + std::string(14, '\0'); }
inline std::string pdf() { return "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"; }
inline std::string text() { return "Привет, мир! Hello.\n\tВторая строка\n"; }
inline std::string rar() { return bytes("Rar!\x1A\x07\x01\0", 8) + std::string(16, '\1'); }
inline std::string wav() { return "RIFF" + le32(36) + "WAVEfmt " + le32(16) + std::string(16, '\1'); }
inline std::string webm(const std::string& docType = "webm") {
  std::string body = bytes("\x42\x86\x81\x01", 4) + "\x42\x82" +
                     static_cast<char>(0x80 | docType.size()) + docType;
  return bytes("\x1A\x45\xDF\xA3", 4) + static_cast<char>(0x80 | body.size()) + body +
         bytes("\x18\x53\x80\x67\x01", 5);
}
// The first Ogg page of an Ogg Opus file (RFC 7845): "OggS", header fields, one segment holding
// the 19-byte OpusHead.
inline std::string oggOpus(const std::string& codec = "OpusHead") {
  return bytes("OggS\0\2", 6) + std::string(20, '\0') + bytes("\1\x13", 2) + codec +
         bytes("\1\2\x38\1\x80\xBB\0\0\0\0\1", 11);
}
inline std::string exe() { return bytes("MZ\x90\0\3\0\0\0\4\0\0\0\xFF\xFF\0\0", 16) + std::string(48, '\0') + "PE"; }
inline std::string elf() { return bytes("\x7F" "ELF\2\1\1\0\0\0\0\0\0\0\0\0\2\0\x3E\0", 20) + std::string(40, '\0'); }

// A ZIP with stored (uncompressed) entries and a proper central directory.
inline std::string zip(const std::vector<std::string>& names) {
  std::string local;
  std::string central;
  for (const auto& n : names) {
    const std::uint32_t offset = static_cast<std::uint32_t>(local.size());
    local += "PK\x03\x04" + le16(20) + le16(0) + le16(0) + le32(0) + le32(0) + le32(0) + le32(0) +
             le16(static_cast<std::uint32_t>(n.size())) + le16(0) + n;
    central += "PK\x01\x02" + le16(20) + le16(20) + le16(0) + le16(0) + le32(0) + le32(0) +
               le32(0) + le32(0) + le16(static_cast<std::uint32_t>(n.size())) + le16(0) + le16(0) +
               le16(0) + le16(0) + le32(0) + le32(offset) + n;
  }
  const auto count = static_cast<std::uint32_t>(names.size());
  return local + central + "PK\x05\x06" + le16(0) + le16(0) + le16(count) + le16(count) +
         le32(static_cast<std::uint32_t>(central.size())) +
         le32(static_cast<std::uint32_t>(local.size())) + le16(0);
}
inline std::string docx() { return zip({"[Content_Types].xml", "_rels/.rels", "word/document.xml"}); }
inline std::string xlsx() { return zip({"[Content_Types].xml", "xl/workbook.xml"}); }

// An OLE2 compound file (512-byte sectors): header, one FAT sector, one directory sector whose
// second entry is `stream` ("WordDocument" for .doc, "Workbook" for .xls).
inline std::string ole(const std::string& stream) {
  std::string h = bytes("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(16, '\0') +
                  le16(0x3E) + le16(3) + le16(0xFFFE) + le16(9) + le16(6) + std::string(6, '\0') +
                  le32(0) + le32(1) /* FAT sectors */ + le32(1) /* first directory sector */ +
                  le32(0) + le32(4096) + le32(0xFFFFFFFE) + le32(0) + le32(0xFFFFFFFE) + le32(0);
  h += le32(0);  // DIFAT[0]: the FAT is sector 0
  while (h.size() < 512) h += le32(0xFFFFFFFF);
  std::string fat = le32(0xFFFFFFFD) + le32(0xFFFFFFFE);
  while (fat.size() < 512) fat += le32(0xFFFFFFFF);
  auto entry = [](const std::string& name, char type) {
    std::string e;
    for (char c : name) e += std::string{c, '\0'};
    e += std::string(64 - e.size(), '\0');
    e += le16(static_cast<std::uint32_t>((name.size() + 1) * 2));
    e += type;
    e += std::string(128 - e.size(), '\0');
    return e;
  };
  std::string dir = entry("Root Entry", 5) + entry(stream, 2);
  dir += std::string(512 - dir.size(), '\0');
  return h + fat + dir;
}

}  // namespace callpy::core::files::samples
