using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using VarTrack.Core.State;

namespace VarTrack.Functions;

/// <summary>
/// JSON answers in the same shape as the self-hosted server: documents serialised with <see cref="StateJson.Options"/>
/// and errors as <c>{error, message}</c>.
/// </summary>
public static class ApiResults
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static ContentResult Json<T>(T value, int statusCode = 200) => Text(JsonSerializer.Serialize(value, StateJson.Options), statusCode);

    public static ContentResult Text(string json, int statusCode) => new()
    {
        Content = json,
        ContentType = JsonContentType,
        StatusCode = statusCode,
    };

    public static ContentResult Error(int statusCode, string error, string message) => Json(new ApiError(error, message), statusCode);
}
