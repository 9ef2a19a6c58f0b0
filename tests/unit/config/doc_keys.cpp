#include "doc_keys.h"

#include <regex>
#include <sstream>
#include <vector>

namespace callpy::testsupport {

namespace {

struct Frame {
  int indent;
  std::string path;  // path of the key (or list item) at this indentation
  bool item;         // a "- " list item
};

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

}  // namespace

YamlOutline yamlOutlineKeys(const std::string& text) {
  static const std::regex kKey(R"(^([a-z][a-z0-9_]*):(\s|$))");
  YamlOutline out;
  std::vector<Frame> stack;  // innermost last; the root is the empty stack
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    bool commented = line[indent] == '#';
    if (commented) {
      line.erase(indent, line.compare(indent, 2, "# ") == 0 ? 2 : 1);
      indent = line.find_first_not_of(' ');
      if (indent == std::string::npos) continue;
    }
    std::string rest = line.substr(indent);
    bool item = rest.compare(0, 2, "- ") == 0 || rest == "-";
    std::smatch m;
    std::string afterDash = item ? rest.substr(std::min<std::size_t>(2, rest.size())) : rest;
    bool isKey = std::regex_search(afterDash, m, kKey);
    if (!item && !isKey) {
      // Prose in a comment says nothing about structure; a live scalar line cannot happen in
      // block YAML at this level, so ignore both.
      continue;
    }
    int col = static_cast<int>(indent);
    if (item) {
      while (!stack.empty() && (stack.back().indent > col || (stack.back().indent == col &&
                                                              stack.back().item))) {
        stack.pop_back();
      }
      std::string parent = stack.empty() ? "" : stack.back().path;
      stack.push_back(Frame{col, parent + "[]", true});
      if (!isKey) continue;
      col += 2;
    } else {
      while (!stack.empty() && stack.back().indent >= col) stack.pop_back();
    }
    std::string path = join(stack.empty() ? "" : stack.back().path, m[1].str());
    stack.push_back(Frame{col, path, false});
    (commented ? out.commented : out.live).insert(path);
  }
  // A key that is live somewhere is not "only commented".
  for (const auto& k : out.live) out.commented.erase(k);
  return out;
}

std::set<std::string> manPageKeys(const std::string& text) {
  std::set<std::string> keys;
  static const std::regex kWord(R"(^[a-z][a-z0-9_]*$)");
  std::istringstream in(text);
  std::string line;
  bool inKeys = false;
  // One entry per open .Bl: the path its items are under, or nullopt-like "!" when the list is
  // not nested in a key item (its items are not keys).
  std::vector<std::string> lists;
  std::vector<std::string> lastItem;  // per open list: the first key its latest item named
  while (std::getline(in, line)) {
    if (line.compare(0, 4, ".Sh ") == 0) {
      inKeys = line == ".Sh KEYS";
      lists.clear();
      lastItem.clear();
      continue;
    }
    if (!inKeys) continue;
    std::istringstream words(line);
    std::string macro;
    words >> macro;
    if (macro == ".Bl") {
      std::string kind;
      words >> kind;
      std::string parent;
      if (lists.empty()) {
        parent = "";
      } else if (lastItem.back().empty() || lists.back() == "!") {
        parent = "!";
      } else {
        parent = join(lists.back(), lastItem.back());
      }
      if (kind != "-tag") parent = "!";
      lists.push_back(parent);
      lastItem.push_back("");
    } else if (macro == ".El") {
      if (!lists.empty()) {
        lists.pop_back();
        lastItem.pop_back();
      }
    } else if (macro == ".It" && !lists.empty()) {
      lastItem.back() = "";
      std::string word;
      words >> word;
      if (word != "Cm" || lists.back() == "!") continue;
      while (words >> word) {
        if (word == "Cm" || word == ",") continue;
        if (!std::regex_match(word, kWord)) break;
        if (lastItem.back().empty()) lastItem.back() = word;
        keys.insert(join(lists.back(), word));
      }
    }
  }
  return keys;
}

}  // namespace callpy::testsupport
