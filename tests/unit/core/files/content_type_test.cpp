// The content sniffer (F16): every allowed type from crafted bytes, and what must be refused.
#include "core/files/content_type.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "samples.h"

namespace callpy::core::files {
namespace {

namespace s = samples;

std::optional<FileKind> detect(const std::string& bytes) { return detectKind(StringSource(bytes)); }

std::string refusal(const std::string& name, const std::string& bytes) {
  try {
    checkUpload(name, StringSource(bytes));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Invalid);
    EXPECT_EQ(e.field(), "file");
    return e.what();
  }
  ADD_FAILURE() << name << " was accepted";
  return {};
}

TEST(ContentType, DetectsEveryAllowedKind) {
  EXPECT_EQ(detect(s::jpeg()), FileKind::Jpeg);
  EXPECT_EQ(detect(s::png()), FileKind::Png);
  EXPECT_EQ(detect(s::gif()), FileKind::Gif);
  EXPECT_EQ(detect(s::bmp()), FileKind::Bmp);
  EXPECT_EQ(detect(s::psd()), FileKind::Psd);
  EXPECT_EQ(detect(s::pdf()), FileKind::Pdf);
  EXPECT_EQ(detect(s::text()), FileKind::Text);
  EXPECT_EQ(detect(s::ole("WordDocument")), FileKind::Doc);
  EXPECT_EQ(detect(s::ole("Workbook")), FileKind::Xls);
  EXPECT_EQ(detect(s::ole("Book")), FileKind::Xls);
  EXPECT_EQ(detect(s::docx()), FileKind::Docx);
  EXPECT_EQ(detect(s::xlsx()), FileKind::Xlsx);
  EXPECT_EQ(detect(s::zip({"a.txt", "b/c.png"})), FileKind::Zip);
  EXPECT_EQ(detect(s::rar()), FileKind::Rar);
  EXPECT_EQ(detect(s::wav()), FileKind::Wav);
  EXPECT_EQ(detect(s::webm()), FileKind::Webm);
  EXPECT_EQ(detect(s::oggOpus()), FileKind::Ogg);       // call recordings
  EXPECT_NE(detect(s::oggOpus("OggVorbi")), FileKind::Ogg);  // only Opus
}

TEST(ContentType, AcceptsEachKindUnderItsExtensions) {
  const std::vector<std::pair<std::string, std::string>> ok{
      {"photo.jpg", s::jpeg()}, {"PHOTO.JPEG", s::jpeg()}, {"shot.png", s::png()},
      {"a.gif", s::gif()},      {"a.bmp", s::bmp()},       {"layers.psd", s::psd()},
      {"offer.pdf", s::pdf()},  {"notes.txt", s::text()},  {"letter.doc", s::ole("WordDocument")},
      {"t.xls", s::ole("Workbook")}, {"r.docx", s::docx()}, {"t.xlsx", s::xlsx()},
      {"a.zip", s::zip({"x"})}, {"office.zip", s::docx()}, {"a.rar", s::rar()},
      {"voice.wav", s::wav()},  {"clip.webm", s::webm()}, {"call.ogg", s::oggOpus()}};
  for (const auto& [name, bytes] : ok) {
    EXPECT_NO_THROW(checkUpload(name, StringSource(bytes))) << name;
  }
  EXPECT_EQ(checkUpload("photo.jpeg", StringSource(s::jpeg())), FileKind::Jpeg);
  EXPECT_STREQ(mimeOf(FileKind::Docx),
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_TRUE(isInlineImage(FileKind::Png));
  EXPECT_FALSE(isInlineImage(FileKind::Psd));
  EXPECT_FALSE(isInlineImage(FileKind::Pdf));
}

TEST(ContentType, RefusesExecutablesWhateverTheirName) {
  EXPECT_FALSE(detect(s::exe()));
  EXPECT_FALSE(detect(s::elf()));
  auto m = refusal("cat.png", s::exe());
  EXPECT_NE(m.find("not a .png file"), std::string::npos) << m;
  refusal("cat.png", s::elf());
  refusal("report.pdf", s::exe());
  auto ext = refusal("setup.exe", s::exe());
  EXPECT_NE(ext.find("files of type .exe are not allowed"), std::string::npos) << ext;
  EXPECT_NE(ext.find("jpg, jpeg, png"), std::string::npos) << ext;
  refusal("noextension", s::png());
}

TEST(ContentType, RefusesHtmlCalledAnImage) {
  auto m = refusal("cute.png", "<html><script>alert(document.cookie)</script></html>");
  EXPECT_NE(m.find("the content is a .txt file but the name ends in .png"), std::string::npos) << m;
  refusal("cute.gif", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>");
}

TEST(ContentType, RefusesAnExtensionThatDisagreesWithTheContent) {
  auto m = refusal("photo.jpg", s::png());
  EXPECT_NE(m.find("the content is a .png file but the name ends in .jpg"), std::string::npos) << m;
  refusal("report.docx", s::zip({"a.txt"}));      // a plain ZIP is no Word document
  refusal("table.xlsx", s::docx());               // a Word document is no spreadsheet
  refusal("letter.doc", s::ole("Workbook"));      // an Excel file is no Word document
  refusal("sheet.xls", s::ole("WordDocument"));
  refusal("notes.txt", s::pdf());
  refusal("movie.webm", s::webm("matroska"));     // Matroska is not WebM
  refusal("empty.txt", "");
}

TEST(ContentType, TextMustBeStrictUtf8WithoutNul) {
  refusal("a.txt", std::string("abc\0def", 7));
  refusal("a.txt", "\xC0\x80");          // overlong NUL
  refusal("a.txt", "\xED\xA0\x80");      // a surrogate
  refusal("a.txt", "\xF4\x90\x80\x80");  // above U+10FFFF
  refusal("a.txt", "abc\xE2\x82");       // cut short
  EXPECT_NO_THROW(checkUpload("a.txt", StringSource("\xEF\xBB\xBFwith BOM")));
}

TEST(ContentType, Utf8ValidatorHandlesSequencesAcrossChunks) {
  const std::string euro = "\xE2\x82\xAC";
  Utf8Validator v;
  EXPECT_TRUE(v.feed(euro.substr(0, 1)));
  EXPECT_TRUE(v.feed(euro.substr(1, 1)));
  EXPECT_FALSE(v.finish());
  EXPECT_TRUE(v.feed(euro.substr(2)));
  EXPECT_TRUE(v.finish());
  Utf8Validator bad;
  bad.feed("\xE2");
  EXPECT_FALSE(bad.feed("A"));
  EXPECT_FALSE(bad.finish());
}

TEST(ContentType, BrokenContainersAreNotAccepted) {
  auto zip = s::docx();
  EXPECT_FALSE(detect(zip.substr(0, zip.size() - 22)));  // central directory end cut off
  auto ole = s::ole("WordDocument");
  EXPECT_FALSE(detect(ole.substr(0, 600)));  // the directory sector is missing
  EXPECT_FALSE(detect(s::ole("SomethingElse")));
}

TEST(ContentType, FileExtension) {
  EXPECT_EQ(fileExtension("A.Tar.GZ"), "gz");
  EXPECT_EQ(fileExtension("noext"), "");
  EXPECT_EQ(fileExtension("dot."), "");
}

}  // namespace
}  // namespace callpy::core::files
