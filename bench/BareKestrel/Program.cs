// The bare Kestrel ceiling: the same POST /c/{slug} form as the real signing endpoint, read in full
// and answered with 200, so run.sh can show how much of the framework's throughput signing keeps.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();

app.MapPost("/c/{slug}", async (HttpRequest request) =>
{
    var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
    return form.Count > 0 ? Results.Ok() : Results.BadRequest();
});
app.MapGet("/", () => Results.Ok());

await app.RunAsync();
