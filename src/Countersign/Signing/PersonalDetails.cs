namespace Countersign.Signing;

/// <summary>
/// The checks a name and an email address typed into a public form share, whether the person signs
/// or comments. Messages stay untranslated, for the page to translate, like the forms' own.
/// </summary>
public static class PersonalDetails
{
    /// <summary>Adds to <paramref name="problems"/>, under <paramref name="field"/>, what is wrong with a trimmed name.</summary>
    public static void CheckName(Dictionary<string, string> problems, string field, string name)
    {
        if (name.Length == 0)
        {
            problems[field] = "Enter your name.";
        }
        else if (name.Length > Signature.NameMaxLength)
        {
            problems[field] = "Your name must be 100 characters or fewer.";
        }
        else if (name.Any(char.IsControl) || name.Contains('\uFFFD', StringComparison.Ordinal))
        {
            problems[field] = "Your name contains characters we cannot store.";
        }
    }

    /// <summary>
    /// Adds to <paramref name="problems"/>, under <paramref name="field"/>, what is wrong with the form of a
    /// trimmed email address; true when the address is well formed, and the caller may check it further.
    /// </summary>
    public static bool CheckEmail(Dictionary<string, string> problems, string field, string email)
    {
        if (email.Length == 0)
        {
            problems[field] = "Enter your email address.";
        }
        else if (!EmailAddress.IsValid(email))
        {
            problems[field] = "Enter an email address like name@example.org.";
        }

        return !problems.ContainsKey(field);
    }
}
