// Evidence tool for tests/differential (not run by CI): protobuf's C++
// JsonStringToMessage, as shipped by Debian 12's libprotobuf-dev 3.21.12 -- the
// util/internal converter that constraints.md calls LC -- run over files.
//
//   lc_probe DESCRIPTOR_SET MESSAGE_FULL_NAME < paths
//
// prints one line per path: PATH <TAB> OK|ERR <TAB> message (or the parsed text).
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

using namespace google::protobuf;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: lc_probe DESCRIPTOR_SET MESSAGE_FULL_NAME < paths\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  FileDescriptorSet set;
  if (!set.ParseFromIstream(&in)) {
    std::cerr << "cannot read descriptor set " << argv[1] << "\n";
    return 2;
  }
  DescriptorPool pool;
  for (const auto& f : set.file()) {
    if (pool.BuildFile(f) == nullptr) {
      std::cerr << "cannot build " << f.name() << "\n";
      return 2;
    }
  }
  const Descriptor* d = pool.FindMessageTypeByName(argv[2]);
  if (d == nullptr) {
    std::cerr << "no message " << argv[2] << "\n";
    return 2;
  }
  DynamicMessageFactory factory(&pool);
  std::string path;
  while (std::getline(std::cin, path)) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::unique_ptr<Message> m(factory.GetPrototype(d)->New());
    util::JsonParseOptions opts;  // defaults: unknown fields rejected, enum names case-sensitive
    auto st = util::JsonStringToMessage(ss.str(), m.get(), opts);
    std::string detail = st.ok() ? m->ShortDebugString() : std::string(st.message());
    for (char& c : detail) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    std::cout << path << "\t" << (st.ok() ? "OK" : "ERR") << "\t" << detail << "\n";
  }
  return 0;
}
