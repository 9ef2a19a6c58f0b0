// callpyd: parses arguments and runs the application (everything else lives in app/).
#include "app/app.h"

int main(int argc, char** argv) { return callpy::app::runDaemon(argc, argv); }
