using Microsoft.Extensions.Localization;

// The assembly is named "countersign" (the command people type); resources live under the code's namespace.
[assembly: RootNamespace("Countersign")]

namespace Countersign;

/// <summary>
/// Anchor for the one set of localised strings (Resources/SharedResource.*.resx). Keys are the
/// English text, so English needs no translations and a missing translation shows English.
/// </summary>
public sealed class SharedResource;
