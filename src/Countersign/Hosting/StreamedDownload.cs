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

        // Lists of people: no cache along the way may keep a copy.
        response.Headers.CacheControl = "no-store";
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(fileName);
        response.Headers.ContentDisposition = disposition.ToString();
        await write(response.Body, context.HttpContext.RequestAborted);
    }
}
