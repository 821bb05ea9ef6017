using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Countersign.Hosting;

/// <summary>
/// A download written straight onto the response as it is produced, for lists too long to hold in memory first. As an
/// action result it runs after the page's filters, which may still set headers; writing the body inside the handler would
/// start the response before they could.
/// </summary>
public sealed class StreamedDownload(string contentType, string fileName, Func<Stream, CancellationToken, Task> write) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = contentType;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = fileName }.ToString();
        await write(response.Body, context.HttpContext.RequestAborted);
    }
}
