/* Fuzz target: GE EchoPAC's myocardial-work workbook (engine/io/
 * read_workbook.c, expat), then the analysis with its myocardial work.
 * An input that starts with '<' is taken whole (the seeds are whole
 * workbooks, small ones: tests/fuzz/corpus/workbook); any other is the
 * inside of a workbook, after the SpreadsheetML root's start tag, so that
 * mutations spend their time on sheets, rows and cells rather than on
 * finding the namespace. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char head[] =
        "<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\" "
        "xmlns:ss=\"urn:schemas-microsoft-com:office:spreadsheet\">";
    size_t hlen = size && data[0] == '<' ? 0 : sizeof head - 1;
    uint8_t *buf = malloc(hlen + size + 1);
    if (!buf)
        return 0;
    memcpy(buf, head, hlen);
    if (size)
        memcpy(buf + hlen, data, size);
    char path[128];
    snprintf(path, sizeof path, "%s/workbook.xml", fuzz_dir());
    fuzz_write(path, buf, hlen + size);
    free(buf);
    fuzz_study(path);
    return 0;
}
