#pragma once
// What an uploaded file really is (F16): the type is read from its bytes (magic numbers, the
// entries of a ZIP or OLE2 container, strict UTF-8 for text), never from what the client says,
// and it must agree with the file name's extension. A renamed .exe, an HTML page called .png or
// a .docx that is a plain ZIP are refused with a message the uploader can act on.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callpy::core::files {

enum class FileKind { Jpeg, Png, Gif, Bmp, Psd, Pdf, Text, Doc, Docx, Xls, Xlsx, Zip, Rar, Wav, Webm, Ogg };

// Random access to the bytes being checked (a temp file on disk, a string in tests).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Up to `length` bytes from `offset` (fewer at the end, none past it).
  virtual std::string read(std::uint64_t offset, std::size_t length) const = 0;
};

class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string bytes) : bytes_(std::move(bytes)) {}
  std::uint64_t size() const override { return bytes_.size(); }
  std::string read(std::uint64_t offset, std::size_t length) const override {
    if (offset >= bytes_.size()) return {};
    return bytes_.substr(static_cast<std::size_t>(offset), length);
  }

 private:
  std::string bytes_;
};

const char* mimeOf(FileKind k);
// The canonical extension (without the dot): "jpg", "png", "docx", ...
const char* extensionOf(FileKind k);
// Images a browser may show inline (jpeg, png, gif, bmp); everything else is an attachment.
bool isInlineImage(FileKind k);

// The extensions we accept, lower case without the dot, in the order the UI lists them.
const std::vector<std::string>& allowedExtensions();
// The lower-cased extension of a file name ("" when it has none).
std::string fileExtension(std::string_view name);

// The most specific kind the content is, or nullopt when it is none of the allowed kinds.
std::optional<FileKind> detectKind(const ByteSource& bytes);
// Whether content of kind `k` may carry the extension `ext` (a .zip may hold a docx, a .jpeg and
// a .jpg are the same).
bool extensionMatches(FileKind k, std::string_view ext);

// The kind of an upload called `name`; throws Error(invalid, field "file") with a clear message
// when the extension is not allowed, the content is not an allowed type, or the two disagree.
FileKind checkUpload(std::string_view name, const ByteSource& bytes);

// Incremental strict UTF-8 check (RFC 3629) that also refuses NUL: feed chunks, then finish().
class Utf8Validator {
 public:
  bool feed(std::string_view chunk);  // false once the input is known to be invalid
  bool finish() const { return ok_ && need_ == 0; }

 private:
  bool ok_ = true;
  int need_ = 0;             // continuation bytes still expected
  unsigned char lo_ = 0x80;  // allowed range of the next continuation byte
  unsigned char hi_ = 0xBF;
};

}  // namespace callpy::core::files
